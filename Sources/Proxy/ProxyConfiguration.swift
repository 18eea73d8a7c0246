import NIOCore

/// Everything the proxy needs to run, built by `freezegate serve` (or tests).
public struct ProxyConfiguration: Sendable {
    /// Where clients connect over plain HTTP (`127.0.0.1:0` picks a free port; see
    /// ``ProxyServer/localAddress``); nil runs the HTTPS listener alone.
    public var listen: SocketAddress?
    /// The HTTPS listener, if any.
    public var tls: TLSListenerConfiguration?
    /// The upstream origin (resolved once at start-up).
    public var upstream: SocketAddress
    /// TLS to the upstream (an https upstream URL); nil: plain HTTP.
    public var upstreamTLS: UpstreamTLS?
    public var timeouts: ProxyTimeouts
    public var limits: RequestLimits
    public var headerPolicy: ForwardingHeaderPolicy
    /// Most upstream connections per event loop.
    public var maxUpstreamConnectionsPerLoop: Int
    /// The client listeners read a PROXY protocol header first, from trusted proxies only
    /// (`--proxy-protocol`); the admin listener never does.
    public var proxyProtocol: Bool = false
    /// Client connections per process across the listeners (`--max-connections`); nil: no limit.
    public var maxConnections: Int?
    /// HTTP/2 on the HTTPS listener (negotiated by ALPN).
    public var http2 = HTTP2Limits()

    public init(
        listen: SocketAddress?,
        tls: TLSListenerConfiguration? = nil,
        upstream: SocketAddress,
        timeouts: ProxyTimeouts = ProxyTimeouts(),
        limits: RequestLimits = RequestLimits(),
        headerPolicy: ForwardingHeaderPolicy = ForwardingHeaderPolicy(),
        maxUpstreamConnectionsPerLoop: Int = 512
    ) {
        self.listen = listen
        self.tls = tls
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
