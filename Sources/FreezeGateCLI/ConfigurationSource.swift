import Gateway

/// Where an effective setting of `serve` came from (highest precedence first).
enum ConfigurationSource: Sendable, Hashable, CustomStringConvertible {
    case flag(String)
    case environment(String)
    case configFile(String)
    case builtIn

    var description: String {
        switch self {
        case .flag(let name): return "flag --\(name)"
        case .environment(let name): return "environment \(name)"
        case .configFile(let path): return "config file \(path)"
        case .builtIn: return "default"
        }
    }
}
