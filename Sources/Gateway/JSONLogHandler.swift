import Foundation
import Logging
import Synchronization

/// A swift-log handler writing one JSON object per line (JSON Lines), for log shippers.
///
/// Every line carries `timestamp` (ISO-8601, UTC, milliseconds), `level`, `label`, `message` and the
/// metadata flattened into the same object (nested dictionaries as `parent.child` keys), so that
/// `jq 'select(.status == "403")'` works without knowing how the line was produced. Keys the handler
/// writes itself win over metadata keys of the same name.
package struct JSONLogHandler: LogHandler {
    /// Where finished lines go (a line includes its trailing newline).
    package typealias Sink = @Sendable (String) -> Void

    package let label: String
    package var logLevel: Logger.Level = .info
    package var metadata: Logger.Metadata = [:]
    package var metadataProvider: Logger.MetadataProvider?
    private let sink: Sink
    private let now: @Sendable () -> Date

    package init(
        label: String,
        metadataProvider: Logger.MetadataProvider? = nil,
        now: @escaping @Sendable () -> Date = { Date() },
        sink: @escaping Sink
    ) {
        self.label = label
        self.metadataProvider = metadataProvider
        self.now = now
        self.sink = sink
    }

    /// A handler writing to standard error (standard output is the access log's).
    package static func standardError(label: String) -> JSONLogHandler {
        JSONLogHandler(label: label, sink: JSONLogHandler.writer(for: STDERR_FILENO))
    }

    private static let writeLock = Mutex(())

    /// Writes each line with `write(2)` under a process-wide lock, so lines of concurrent loggers
    /// never interleave; a failed write (a closed pipe) drops the line instead of crashing.
    private static func writer(for descriptor: Int32) -> Sink {
        { line in
            let bytes = Array(line.utf8)
            JSONLogHandler.writeLock.withLock { _ in
                bytes.withUnsafeBytes { buffer in
                    guard let base = buffer.baseAddress else { return }
                    var offset = 0
                    while offset < buffer.count {
                        let written = write(descriptor, base + offset, buffer.count - offset)
                        if written > 0 {
                            offset += written
                        } else if written < 0 && errno == EINTR {
                            continue
                        } else {
                            return
                        }
                    }
                }
            }
        }
    }

    package subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { self.metadata[key] }
        set { self.metadata[key] = newValue }
    }

    package func log(
        level: Logger.Level,
        message: Logger.Message,
        metadata explicit: Logger.Metadata?,
        source: String,
        file: String,
        function: String,
        line: UInt
    ) {
        var merged = self.metadata
        if let provided = self.metadataProvider?.get() {
            merged.merge(provided) { _, new in new }
        }
        if let explicit { merged.merge(explicit) { _, new in new } }
        sink(Self.line(timestamp: now(), level: level, label: label, message: "\(message)", metadata: merged))
    }

    /// swift-log's current entry point: the same line, plus the event's error (if it carries one
    /// and the metadata has no `error` key of its own).
    package func log(event: LogEvent) {
        var explicit = event.metadata ?? [:]
        if let error = event.error, explicit["error"] == nil {
            explicit["error"] = .string("\(error)")
        }
        self.log(
            level: event.level,
            message: event.message,
            metadata: explicit,
            source: event.source,
            file: event.file,
            function: event.function,
            line: event.line
        )
    }

    /// The JSON line for one event (pure, for tests).
    package static func line(
        timestamp: Date,
        level: Logger.Level,
        label: String,
        message: String,
        metadata: Logger.Metadata
    ) -> String {
        var flat: [(String, String)] = []
        flatten(metadata, prefix: "", into: &flat)
        let reserved: Set<String> = ["timestamp", "level", "label", "message"]
        var out = "{\"timestamp\":"
        appendQuoted(formatTimestamp(timestamp), to: &out)
        out += ",\"level\":"
        appendQuoted(level.rawValue, to: &out)
        out += ",\"label\":"
        appendQuoted(label, to: &out)
        out += ",\"message\":"
        appendQuoted(message, to: &out)
        for (key, value) in flat.sorted(by: { $0.0 < $1.0 }) where !reserved.contains(key) {
            out += ","
            appendQuoted(key, to: &out)
            out += ":"
            out += value
        }
        out += "}\n"
        return out
    }

    /// Metadata values as JSON: strings and string-convertibles as strings, arrays as arrays,
    /// dictionaries flattened into `parent.child` keys.
    private static func flatten(_ metadata: Logger.Metadata, prefix: String, into flat: inout [(String, String)]) {
        for (key, value) in metadata {
            let name = prefix.isEmpty ? key : "\(prefix).\(key)"
            if case .dictionary(let nested) = value {
                flatten(nested, prefix: name, into: &flat)
            } else {
                flat.append((name, json(value)))
            }
        }
    }

    private static func json(_ value: Logger.Metadata.Value) -> String {
        var out = ""
        switch value {
        case .string(let string):
            appendQuoted(string, to: &out)
        case .stringConvertible(let convertible):
            appendQuoted(convertible.description, to: &out)
        case .array(let values):
            out = "[" + values.map(json).joined(separator: ",") + "]"
        case .dictionary(let nested):
            let members = nested.sorted(by: { $0.key < $1.key }).map { key, value -> String in
                var member = ""
                appendQuoted(key, to: &member)
                return member + ":" + json(value)
            }
            out = "{" + members.joined(separator: ",") + "}"
        }
        return out
    }

    /// Appends `text` as a JSON string literal (RFC 8259 §7): quotes, backslashes and control
    /// characters escaped, everything else (UTF-8) kept as is.
    package static func appendQuoted(_ text: String, to out: inout String) {
        out.append("\"")
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out.append("\\\"")
            case "\\": out.append("\\\\")
            case "\n": out.append("\\n")
            case "\r": out.append("\\r")
            case "\t": out.append("\\t")
            case "\u{08}": out.append("\\b")
            case "\u{0C}": out.append("\\f")
            case "\u{2028}": out.append("\\u2028")
            case "\u{2029}": out.append("\\u2029")
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    let hex = String(scalar.value, radix: 16)
                    out.append("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out.append("\"")
    }

    /// `2026-11-26T17:16:57.123Z`, computed without a shared formatter (formatters are not Sendable).
    package static func formatTimestamp(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        let seconds = milliseconds >= 0 ? milliseconds / 1000 : (milliseconds - 999) / 1000
        let millis = milliseconds - seconds * 1000
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))"
            + "T\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(Int32(millis), 3))Z"
    }
}
