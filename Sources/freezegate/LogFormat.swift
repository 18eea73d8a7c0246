import Logging

/// How `serve` writes its logs: `text` for a terminal, `json` (JSON Lines) for log shippers.
enum LogFormat: String, CaseIterable, Sendable {
    case text
    case json

    /// The handler for a logger label: the access log (`freezegate.access`) goes to stdout, the rest
    /// to stderr, in both formats.
    func makeHandler(label: String, level: Logger.Level) -> any LogHandler {
        let toStandardOutput = label == "freezegate.access"
        switch self {
        case .text:
            var handler =
                toStandardOutput
                ? StreamLogHandler.standardOutput(label: label) : StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        case .json:
            var handler =
                toStandardOutput
                ? JSONLogHandler.standardOutput(label: label) : JSONLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}
