/// How a forwarded message's body is delimited on the wire the gateway writes.
public enum MessageFraming: Sendable, Equatable {
    /// No body at all.
    case none
    /// `Content-Length: n`.
    case length(Int)
    /// `Transfer-Encoding: chunked`.
    case chunked
    /// Delimited by closing the connection (responses to HTTP/1.0 clients only).
    case untilClose
}
