import NIOCore

/// Everything the proxy needs to run, built by `freezegate serve` (or tests).
public struct ProxyConfiguration: Sendable {
    /// Where clients connect (`127.0.0.1:0` picks a free port; see ``ProxyServer/localAddress``).
    public var listen: SocketAddress
    /// The upstream origin (resolved once at start-up).
    public var upstream: SocketAddress
    public var timeouts: ProxyTimeouts
    public var limits: RequestLimits
    public var headerPolicy: ForwardingHeaderPolicy
    /// Most upstream connections per event loop.
    public var maxUpstreamConnectionsPerLoop: Int

    public init(
        listen: SocketAddress,
        upstream: SocketAddress,
        timeouts: ProxyTimeouts = ProxyTimeouts(),
        limits: RequestLimits = RequestLimits(),
        headerPolicy: ForwardingHeaderPolicy = ForwardingHeaderPolicy(),
        maxUpstreamConnectionsPerLoop: Int = 512
    ) {
        self.listen = listen
        self.upstream = upstream
        self.timeouts = timeouts
        self.limits = limits
        self.headerPolicy = headerPolicy
        self.maxUpstreamConnectionsPerLoop = maxUpstreamConnectionsPerLoop
    }

    var poolConfiguration: UpstreamPoolConfiguration {
        UpstreamPoolConfiguration(
            maxConnectionsPerLoop: self.maxUpstreamConnectionsPerLoop,
            idleTimeout: self.timeouts.upstreamIdle,
            connectTimeout: self.timeouts.upstreamConnect
        )
    }
}
