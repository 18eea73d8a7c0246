import NIOCore

/// Limits of the per-event-loop upstream connection pools.
public struct UpstreamPoolConfiguration: Sendable {
    /// Most connections (leased, idle and connecting) per event loop; more requests wait.
    public var maxConnectionsPerLoop: Int
    /// Idle pooled connections are closed after this long.
    public var idleTimeout: TimeAmount
    /// TCP connect timeout (and the longest a request waits for a pooled connection).
    public var connectTimeout: TimeAmount

    public init(
        maxConnectionsPerLoop: Int = 512,
        idleTimeout: TimeAmount = .seconds(60),
        connectTimeout: TimeAmount = .seconds(5)
    ) {
        self.maxConnectionsPerLoop = maxConnectionsPerLoop
        self.idleTimeout = idleTimeout
        self.connectTimeout = connectTimeout
    }
}
