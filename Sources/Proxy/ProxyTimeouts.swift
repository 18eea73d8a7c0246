import NIOCore

/// Every timeout of the proxy, each configurable from `freezegate serve`.
public struct ProxyTimeouts: Sendable {
    /// From the first byte of a request head to its end (408 after).
    public var clientHeaderRead: TimeAmount
    /// An idle keep-alive client connection is closed after this long.
    public var clientIdle: TimeAmount
    /// Upstream TCP connect (502 after).
    public var upstreamConnect: TimeAmount
    /// From sending a request upstream (its last body bytes) to the response head (504 after), and
    /// between two reads of the response body (the client's connection closed after).
    public var upstreamResponse: TimeAmount
    /// Idle pooled upstream connections are closed after this long.
    public var upstreamIdle: TimeAmount
    /// A WebSocket tunnel with no traffic either way is closed after this long.
    public var tunnelIdle: TimeAmount
    /// Graceful shutdown: how long requests in flight may take to finish.
    public var drain: TimeAmount

    public init(
        clientHeaderRead: TimeAmount = .seconds(10),
        clientIdle: TimeAmount = .seconds(75),
        upstreamConnect: TimeAmount = .seconds(5),
        upstreamResponse: TimeAmount = .seconds(60),
        upstreamIdle: TimeAmount = .seconds(60),
        tunnelIdle: TimeAmount = .seconds(300),
        drain: TimeAmount = .seconds(20)
    ) {
        self.clientHeaderRead = clientHeaderRead
        self.clientIdle = clientIdle
        self.upstreamConnect = upstreamConnect
        self.upstreamResponse = upstreamResponse
        self.upstreamIdle = upstreamIdle
        self.tunnelIdle = tunnelIdle
        self.drain = drain
    }
}
