import Foundation

extension RouteProfile {
    /// Parses and validates a profile. `readFile` reads the template files the profile names
    /// (injected, so the parsing stays pure and testable). Every error names the line. Top-level
    /// keys in `settingKeys` are kept, as written, in `settings` for the caller to check.
    public init(
        yaml: String,
        source: String = "profile",
        settingKeys: Set<String> = [],
        readFile: (String) throws -> String
    ) throws(RouteProfileError) {
        self = try withoutActuallyEscaping(readFile) { (escapable) throws(RouteProfileError) -> RouteProfile in
            var parser = RouteProfileParser(source: source, settingKeys: settingKeys, readFile: escapable)
            return try parser.parse(yaml)
        }
    }
}
