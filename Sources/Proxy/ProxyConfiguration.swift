import NIOCore

/// Everything the proxy needs to run, built by `freezegate serve` (or tests).
public struct ProxyConfiguration: Sendable {
    /// Where clients connect over plain HTTP (`127.0.0.1:0` picks a free port; see
    /// ``ProxyServer/localAddress``); nil runs the HTTPS listener alone.
    public var listen: SocketAddress?
    /// The HTTPS listener, if any.
    public var tls: TLSListenerConfiguration?
    /// The upstream servers by group (names are resolved when the proxy starts).
    public var upstreamGroups: UpstreamGroups
    /// The TLS client context for https servers (each server by name is verified against its own
    /// name; a server given as an address against this context's `serverHostname`); nil: none.
    public var upstreamTLS: UpstreamTLS?
    /// When a server is taken out and for how long (passive health).
    public var upstreamHealth = UpstreamHealthPolicy()
    /// Active health checks of every server; nil: none.
    public var upstreamHealthCheck: UpstreamHealthCheck?
    /// How often servers given by name are resolved again; nil: only at start.
    public var upstreamDNSRefresh: TimeAmount?
    /// How names are resolved (tests replace it).
    var upstreamResolver: UpstreamNameResolution.Resolver = UpstreamNameResolution.resolveAll(host:port:)
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
    /// The kernel send buffer of each client connection in bytes (`SO_SNDBUF`, as nginx's
    /// `listen … sndbuf=`); nil leaves it to the kernel's autotuning. Not a `serve` setting.
    public var clientSendBuffer: Int?

    /// One upstream server at a resolved address.
    public init(
        listen: SocketAddress?,
        tls: TLSListenerConfiguration? = nil,
        upstream: SocketAddress,
        timeouts: ProxyTimeouts = ProxyTimeouts(),
        limits: RequestLimits = RequestLimits(),
        headerPolicy: ForwardingHeaderPolicy = ForwardingHeaderPolicy(),
        maxUpstreamConnectionsPerLoop: Int = 512
    ) {
        self.init(
            listen: listen,
            tls: tls,
            upstreamGroups: UpstreamGroups(servers: [UpstreamServer(address: upstream)]),
            timeouts: timeouts,
            limits: limits,
            headerPolicy: headerPolicy,
            maxUpstreamConnectionsPerLoop: maxUpstreamConnectionsPerLoop
        )
    }

    public init(
        listen: SocketAddress?,
        tls: TLSListenerConfiguration? = nil,
        upstreamGroups: UpstreamGroups,
        timeouts: ProxyTimeouts = ProxyTimeouts(),
        limits: RequestLimits = RequestLimits(),
        headerPolicy: ForwardingHeaderPolicy = ForwardingHeaderPolicy(),
        maxUpstreamConnectionsPerLoop: Int = 512
    ) {
        self.listen = listen
        self.tls = tls
        self.upstreamGroups = upstreamGroups
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
