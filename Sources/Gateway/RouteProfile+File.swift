import Foundation
import Gate

extension RouteProfile {
    /// Loads and validates a profile file; template paths in it are relative to the file's folder.
    /// The settings of `serve` it may also hold are kept in `settings` (`ServeSettingCatalog`).
    package static func load(contentsOfFile path: String) throws(RouteProfileError) -> RouteProfile {
        // Foundation's own words for these ("NSCocoaErrorDomain error 256") name nothing.
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw RouteProfileError(source: path, line: nil, message: "is a directory, not a profile file")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RouteProfileError(source: path, line: nil, message: "cannot read the profile file")
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            throw RouteProfileError(source: path, line: nil, message: "the profile is not UTF-8 text")
        }
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        return try RouteProfile(yaml: text, source: path, settingKeys: ServeSettingCatalog.fileKeys) { templatePath in
            let url =
                templatePath.hasPrefix("/")
                ? URL(fileURLWithPath: templatePath) : folder.appendingPathComponent(templatePath)
            return try String(contentsOf: url, encoding: .utf8)
        }
    }
}
