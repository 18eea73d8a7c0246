/// Where access log lines go (`--access-log FILE|-|off`).
public enum AccessLogDestination: Sendable, Equatable {
    /// Standard output (`-`, the default: containers and systemd collect it).
    case standardOutput
    /// A file, appended to, reopened on SIGUSR1 (for logrotate).
    case file(String)
    /// No access log.
    case off

    /// `-`, `off` or a path.
    public init(parsing text: String) {
        switch text {
        case "-": self = .standardOutput
        case "off": self = .off
        default: self = .file(text)
        }
    }

    public var description: String {
        switch self {
        case .standardOutput: return "-"
        case .file(let path): return path
        case .off: return "off"
        }
    }
}
