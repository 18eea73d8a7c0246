import Foundation
import Gate
import Gateway
import Testing

/// Reading a profile from its file: the templates it names relative to its folder, an unreadable
/// file as a profile error, and the example profile in docs/.
struct RouteProfileFileTests {
    /// docs/profile.example.yaml must always be a valid profile.
    @Test func exampleProfileValidates() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let path = root.appendingPathComponent("docs/profile.example.yaml").path
        let profile = try RouteProfile.load(contentsOfFile: path)
        #expect(profile.classes.count >= 7)
        #expect(profile.classify(["company", "1", "licensing"]).name == "licensing")
        #expect(profile.classify(["company", "1"]).action == .block)
    }

    @Test func loadReportsAnUnreadableFile() throws {
        let missing = #expect(throws: RouteProfileError.self) {
            try RouteProfile.load(contentsOfFile: "/nonexistent/profile.yaml")
        }
        #expect(missing?.description == "/nonexistent/profile.yaml: cannot read the profile file")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "freezegate-profile-\(UUID().uuidString)"
        )
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let directory = #expect(throws: RouteProfileError.self) { try RouteProfile.load(contentsOfFile: folder.path) }
        #expect(directory?.description == "\(folder.path): is a directory, not a profile file")
        let latin1 = folder.appendingPathComponent("latin1.yaml")
        try Data("# caf\u{E9}\nupstream: [http://a:1]\n".data(using: .isoLatin1) ?? Data()).write(to: latin1)
        let notUTF8 = #expect(throws: RouteProfileError.self) { try RouteProfile.load(contentsOfFile: latin1.path) }
        #expect(notUTF8?.description == "\(latin1.path): the profile is not UTF-8 text")
    }

    @Test func loadReadsTemplatesRelativeToTheProfile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "freezegate-profile-\(UUID().uuidString)"
        )
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "<b>{{tenant}}</b> {{#frozen}}frozen{{/frozen}}".write(
            to: folder.appendingPathComponent("page.ru.mustache"),
            atomically: true,
            encoding: .utf8
        )
        let profilePath = folder.appendingPathComponent("profile.yaml")
        try "template:\n  html_ru: page.ru.mustache\n".write(to: profilePath, atomically: true, encoding: .utf8)
        let profile = try RouteProfile.load(contentsOfFile: profilePath.path)
        #expect(profile.templates.russian == "<b>{{tenant}}</b> {{#frozen}}frozen{{/frozen}}")
        #expect(profile.templates.english == BlockedPageTemplates.builtIn.english)
    }
}
