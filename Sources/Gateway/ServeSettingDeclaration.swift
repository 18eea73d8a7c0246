import Foundation

/// One setting of `serve`, declared once: its config-file key, flag, environment variable,
/// default and help. `serve --help`, `--print-config`, the profile parser and the precedence
/// flag > environment > config file > default all read it from here (`ServeSettingCatalog`).
package struct ServeSettingDeclaration: Sendable, Hashable {
    package enum Arity: Sendable, Hashable {
        /// One value (`--listen A`; the last flag given wins).
        case single
        /// Several values: a repeatable flag, a comma-separated variable, a YAML list.
        case list
        /// A flag without a value; `true`/`false` (or `1`/`0`, `yes`/`no`) elsewhere.
        case toggle
    }

    /// The config-file key, also the name in `--print-config` (`tls_listen`).
    package let key: String
    /// The long flag without its dashes (`tls-listen`).
    package let flag: String
    /// The environment variable (`FREEZEGATE_TLS_LISTEN`).
    package let environment: String
    /// A variable read when `environment` is unset, without a conflict when both are set
    /// (`DATABASE_URL`, the name libpq's tools and hosting platforms use).
    package let environmentFallback: String?
    package let arity: Arity
    /// Whether the config file may set it (not for `config`, which names the file).
    package let inFile: Bool
    /// Whether the value names a file: a relative name in the config file is relative to the
    /// file's folder, as the profile's templates are.
    package let isPath: Bool
    /// What the flag's value is, for `serve --help` (`HOST:PORT`); none for a toggle.
    package let valueName: String
    /// The default as `serve --help` states it.
    package let defaultText: String
    /// What the setting does, one sentence without a final full stop.
    package let summary: String

    package init(
        key: String,
        flag: String? = nil,
        environment: String? = nil,
        environmentFallback: String? = nil,
        arity: Arity = .single,
        inFile: Bool = true,
        isPath: Bool = false,
        valueName: String = "",
        defaultText: String,
        summary: String
    ) {
        let flag = flag ?? key.replacingOccurrences(of: "_", with: "-")
        self.key = key
        self.flag = flag
        // FREEZEGATE_ and the flag in upper case with `_`, unless a variable is named.
        self.environment = environment ?? "FREEZEGATE_" + flag.uppercased().replacingOccurrences(of: "-", with: "_")
        self.environmentFallback = environmentFallback
        self.arity = arity
        self.inFile = inFile
        self.isPath = isPath
        self.valueName = valueName
        self.defaultText = defaultText
        self.summary = summary
    }

    /// The flag as `serve --help` shows it (`--listen HOST:PORT`).
    package var usage: String {
        self.arity == .toggle ? "--\(self.flag)" : "--\(self.flag) \(self.valueName)"
    }

    /// The help line of the flag, naming the variable and the config key.
    package var help: String {
        var places = "env \(self.environment)"
        if let fallback = self.environmentFallback { places += " or \(fallback)" }
        if self.arity == .list { places += ", comma-separated" }
        if self.inFile { places += "; config key \(self.key)" }
        return "\(self.summary) (\(places); default \(self.defaultText))."
    }
}
