import NIOCore

/// The HTTP/2 listener's protections, chosen like nginx's and HAProxy's defaults.
public struct HTTP2Limits: Sendable, Hashable {
    /// Streams a client may have open at once (SETTINGS_MAX_CONCURRENT_STREAMS).
    public var maxConcurrentStreams: Int
    /// Streams a client may reset within ``resetWindow`` before the connection gets GOAWAY and
    /// is closed (the rapid-reset attack, CVE-2023-44487). With ``maxConcurrentStreams`` this
    /// bounds what such a connection can make reach the upstream.
    public var maxResetStreams: Int
    public var resetWindow: TimeAmount

    public init(maxConcurrentStreams: Int = 100, maxResetStreams: Int = 100, resetWindow: TimeAmount = .seconds(30)) {
        self.maxConcurrentStreams = maxConcurrentStreams
        self.maxResetStreams = maxResetStreams
        self.resetWindow = resetWindow
    }
}
