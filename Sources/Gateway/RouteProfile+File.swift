import Foundation
import Gate

extension RouteProfile {
    /// Loads and validates a profile file; template paths in it are relative to the file's folder.
    /// The settings of `serve` it may also hold are kept in `settings` (`ServeSettingCatalog`).
    package static func load(contentsOfFile path: String) throws(RouteProfileError) -> RouteProfile {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw RouteProfileError(
                source: path,
                line: nil,
                message: "cannot read the profile: \(error.localizedDescription)"
            )
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
