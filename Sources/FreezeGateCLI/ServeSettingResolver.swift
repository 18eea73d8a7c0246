import ArgumentParser
import Foundation
import Gate
import Gateway

/// Flag > environment > config file > default for the settings of `ServeSettingCatalog`, and a
/// record of each effective value and its source for `--print-config`. Pure: the command line,
/// the environment and the file's settings are given; a bad value is a `ValidationError` whose
/// message starts with where it came from (`--listen`, `FREEZEGATE_LISTEN`, `FILE:LINE: listen`).
struct ServeSettingResolver {
    /// A value found for a setting, before conversion.
    struct Found {
        var values: [String]
        var source: ConfigurationSource
        /// How an error names it.
        var origin: String
    }

    /// What the command line gave, by key (the last item wins for a single value).
    let flags: [String: [String]]
    let environment: [String: String]
    /// The config file's settings by key, and the file.
    let file: [String: ProfileSetting]
    let filePath: String?
    private var recorded: [String: ConfigurationEntry] = [:]
    /// Lines of `--print-config` that are no setting of their own (what the profile derived).
    private var derived: [ConfigurationEntry] = []

    init(
        flags: [String: [String]],
        environment: [String: String],
        file: [String: ProfileSetting] = [:],
        filePath: String? = nil
    ) {
        self.flags = flags
        self.environment = environment
        self.file = file
        self.filePath = filePath
    }

    /// Every recorded setting, in the catalog's order, then the derived lines.
    var entries: [ConfigurationEntry] {
        ServeSettingCatalog.all.compactMap { self.recorded[$0.key] } + self.derived
    }

    /// The highest-precedence value given for `setting`, if any. An empty variable counts as unset;
    /// a variable's older name is read too (`EnvironmentAlias`), and its fallback when it is unset.
    func find(_ setting: ServeSettingDeclaration) throws -> Found? {
        if let values = self.flags[setting.key], !values.isEmpty {
            return Found(values: values, source: .flag(setting.flag), origin: "--\(setting.flag)")
        }
        func values(of name: String) -> [String]? {
            guard let text = self.environment[name], !text.isEmpty else { return nil }
            return setting.arity == .list ? Self.list(text) : [text]
        }
        if let variable = try EnvironmentAlias.lookup(setting.environment, read: values(of:)) {
            return Found(values: variable.values, source: .environment(variable.name), origin: variable.name)
        }
        if let fallback = setting.environmentFallback, let values = values(of: fallback) {
            return Found(values: values, source: .environment(fallback), origin: fallback)
        }
        if setting.inFile, let path = self.filePath, let written = self.file[setting.key] {
            let origin = written.line.map { "\(path):\($0): \(setting.key)" } ?? "\(path): \(setting.key)"
            if written.isList && setting.arity != .list {
                throw ValidationError("\(origin): must be one value, not a list")
            }
            var values = written.values
            if setting.isPath { values = values.map { Self.relative($0, toFileAt: path) } }
            return Found(values: values, source: .configFile(path), origin: origin)
        }
        return nil
    }

    /// Records the effective value of a setting the caller converted itself.
    mutating func record(
        _ setting: ServeSettingDeclaration,
        _ value: ConfigurationEntry.Value,
        _ source: ConfigurationSource
    ) {
        self.recorded[setting.key] = ConfigurationEntry(key: setting.key, value: value, source: source)
    }

    /// Records a line of `--print-config` that no flag sets (one the profile derived).
    mutating func recordDerived(key: String, _ value: ConfigurationEntry.Value, _ source: ConfigurationSource) {
        self.derived.append(ConfigurationEntry(key: key, value: value, source: source))
    }

    /// One value as text, else `fallback`.
    mutating func text(
        _ setting: ServeSettingDeclaration,
        default fallback: String? = nil
    ) throws -> (
        value: String?, found: Found?
    ) {
        let found = try self.find(setting)
        let value = found?.values.last ?? fallback
        self.record(setting, value.map { .string($0) } ?? .none, found?.source ?? .builtIn)
        return (value, found)
    }

    /// A list, else `fallback`.
    mutating func list(
        _ setting: ServeSettingDeclaration,
        default fallback: [String] = []
    ) throws -> (
        values: [String], found: Found?
    ) {
        let found = try self.find(setting)
        let values = found?.values ?? fallback
        self.record(setting, .list(values), found?.source ?? .builtIn)
        return (values, found)
    }

    /// A number, else `fallback`; `isValid` false → "ORIGIN: `expectation`".
    mutating func number(
        _ setting: ServeSettingDeclaration,
        default fallback: Double?,
        expectation: String,
        isValid: (Double) -> Bool
    ) throws -> Double? {
        try self.numeric(setting, default: fallback, kind: "number", expectation: expectation, isValid: isValid)
    }

    /// A whole number, else `fallback`; `isValid` false → "ORIGIN: `expectation`".
    mutating func integer(
        _ setting: ServeSettingDeclaration,
        default fallback: Int?,
        expectation: String,
        isValid: (Int) -> Bool
    ) throws -> Int? {
        try self.numeric(setting, default: fallback, kind: "whole number", expectation: expectation, isValid: isValid)
    }

    /// The value read as `Value` (`kind` names it in the error), checked, recorded.
    private mutating func numeric<Value: LosslessStringConvertible>(
        _ setting: ServeSettingDeclaration,
        default fallback: Value?,
        kind: String,
        expectation: String,
        isValid: (Value) -> Bool
    ) throws -> Value? {
        let found = try self.find(setting)
        var value = fallback
        if let found, let text = found.values.last {
            guard let parsed = Value(text.trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("\(found.origin): '\(text)' is not a \(kind)")
            }
            value = parsed
        }
        if let value, !isValid(value) {
            throw ValidationError("\(found?.origin ?? "default"): \(expectation)")
        }
        self.record(setting, value.map { .number(String($0)) } ?? .none, found?.source ?? .builtIn)
        return value
    }

    /// On or off: given on the command line means on; elsewhere true/false, 1/0 or yes/no.
    mutating func toggle(_ setting: ServeSettingDeclaration) throws -> Bool {
        let found = try self.find(setting)
        var value = false
        if let found, let text = found.values.last {
            switch text.lowercased() {
            case "true", "1", "yes", "on": value = true
            case "false", "0", "no", "off": value = false
            default: throw ValidationError("\(found.origin): '\(text)' is not true or false")
            }
        }
        self.record(setting, .boolean(value), found?.source ?? .builtIn)
        return value
    }

    /// A comma-separated variable as a list, items trimmed, empty ones dropped.
    static func list(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// A file name written in the config file, relative to the file's folder; `-` and `off` (the
    /// access log's words) and absolute names stay as they are.
    static func relative(_ name: String, toFileAt path: String) -> String {
        guard !name.isEmpty, !name.hasPrefix("/"), name != "-", name != "off" else { return name }
        return URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent(name).path
    }
}
