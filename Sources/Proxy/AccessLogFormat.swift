/// The access log's line format (`--access-log-format`).
public enum AccessLogFormat: String, Sendable, CaseIterable {
    /// nginx's `combined` byte for byte (so GoAccess, Loki, Elastic and every parser of nginx logs
    /// read it), FreezeGate's fields appended as `key=value`.
    case combined
    /// One JSON object per line.
    case json
}
