import ArgumentParser
import Gateway

/// The settings given on `serve`'s command line, read against `ServeSettingCatalog`: `--flag VALUE`
/// or `--flag=VALUE`, a toggle as `--flag` alone (on) or `--flag=VALUE`; values by the setting's key, in the order given
/// (the last one wins for a single value). Pure.
enum ServeArguments {
    static func parse(
        _ words: [String],
        catalog: [ServeSettingDeclaration] = ServeSettingCatalog.all
    ) throws -> [String: [String]] {
        let byFlag = Dictionary(catalog.map { ($0.flag, $0) }, uniquingKeysWith: { first, _ in first })
        var given: [String: [String]] = [:]
        var index = 0
        while index < words.count {
            let word = words[index]
            index += 1
            guard word.hasPrefix("--"), word.count > 2 else {
                throw ValidationError("Unexpected argument '\(word)'")
            }
            let body = word.dropFirst(2)
            let name: Substring
            var inlineValue: String?
            if let equals = body.firstIndex(of: "=") {
                name = body[..<equals]
                inlineValue = String(body[body.index(after: equals)...])
            } else {
                name = body
            }
            guard let setting = byFlag[String(name)] else { throw ValidationError("Unknown option '--\(name)'") }
            let value: String
            if setting.arity == .toggle {
                // `--flag=false` turns off what a file or the environment turned on (the value is
                // read like theirs: true/false, 1/0, yes/no, on/off).
                value = inlineValue ?? "true"
            } else if let inlineValue {
                value = inlineValue
            } else {
                guard index < words.count, !words[index].hasPrefix("--") else {
                    throw ValidationError("Missing value for '\(setting.usage)'")
                }
                value = words[index]
                index += 1
            }
            given[setting.key, default: []].append(value)
        }
        return given
    }
}
