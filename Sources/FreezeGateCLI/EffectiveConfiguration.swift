import Gateway

/// The effective configuration of `serve` as YAML, one `key: value  # source` per line
/// (`--print-config`); secrets are masked before they reach here.
enum EffectiveConfiguration {
    static func yaml(_ entries: [ConfigurationEntry]) -> String {
        var out =
            "# freezegate serve: effective configuration (precedence: flag > environment > config file > default)\n"
        for entry in entries {
            out += "\(entry.key): \(render(entry.value))  # \(entry.source)\n"
        }
        return out
    }

    private static func render(_ value: ConfigurationEntry.Value) -> String {
        switch value {
        case .string(let text): return quoted(text)
        case .number(let text): return text
        case .boolean(let value): return value ? "true" : "false"
        case .list(let items): return "[" + items.map(quoted).joined(separator: ", ") + "]"
        case .none: return "null"
        }
    }

    /// A YAML double-quoted scalar (JSON string escaping is valid YAML).
    private static func quoted(_ text: String) -> String {
        var out = ""
        JSONLogHandler.appendQuoted(text, to: &out)
        return out
    }
}
