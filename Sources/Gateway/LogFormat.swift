import Logging

/// How `serve` writes its logs: `text` for a terminal, `json` (JSON Lines) for log shippers.
package enum LogFormat: String, CaseIterable, Sendable {
    case text
    case json

    /// The handler for a logger label: standard error, in both formats (standard output belongs
    /// to the access log, which has writers and formats of its own: `AccessLogSink`).
    package func makeHandler(label: String, level: Logger.Level) -> any LogHandler {
        switch self {
        case .text:
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        case .json:
            var handler = JSONLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}
