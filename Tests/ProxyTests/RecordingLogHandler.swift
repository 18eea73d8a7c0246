import Logging
import Synchronization

/// Keeps every log message (proxy tests) with its level, to check what is logged how often.
struct RecordingLogHandler: LogHandler {
    final class Store: Sendable {
        let entries = Mutex<[(Logger.Level, String)]>([])

        func count(_ level: Logger.Level) -> Int {
            self.entries.withLock { $0.filter { $0.0 == level }.count }
        }
    }

    let store: Store
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { self.metadata[key] }
        set { self.metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        self.store.entries.withLock { $0.append((event.level, event.message.description)) }
    }
}
