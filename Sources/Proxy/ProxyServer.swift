import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOExtras
import NIOHTTP1
import NIOPosix
import NIOSSL
import NIOTLS
import ServiceLifecycle

/// The gateway's HTTP/1.1 listener as a swift-service-lifecycle `Service`: one ``UpstreamRouter``
/// (a pool per server) per event loop, one ``ClientConnectionHandler`` per connection. On graceful shutdown it stops
/// accepting, lets requests in flight finish for up to the drain time, then closes the rest.
public final class ProxyServer: Service, Sendable {
    private struct State {
        /// The plain listener's channel, if any.
        var serverChannel: Channel?
        /// The HTTPS listener's channel, if any.
        var tlsServerChannel: Channel?
        var started = false
        /// One per listener: a helper tracks the children of a single server channel.
        var quiesce: [ServerQuiescingHelper] = []
        var routers: [ObjectIdentifier: NIOLoopBound<UpstreamRouter>] = [:]
        var healthChecker: UpstreamHealthChecker?
        var nameRefresher: UpstreamNameRefresher?
        var metrics: [ObjectIdentifier: NIOLoopBound<ProxyMetrics>] = [:]
        var accessLogBuffers: [NIOLoopBound<AccessLogLoopBuffer>] = []
        var children: [ObjectIdentifier: Channel] = [:]
        var shutdownStarted = false
    }

    public let configuration: ProxyConfiguration
    private let decider: any RequestDecider
    private let group: any EventLoopGroup
    private let logger: Logger
    private let accessLog: AccessLogSink?
    private let state = NIOLockedValueBox(State())
    private let drained: EventLoopPromise<Void>
    /// Debug builds count the live exchanges; release builds leave the request path without it.
    private let exchangeCensus: ExchangeCensus?

    /// - Parameters:
    ///   - decider: the decision seam (`GateDecider` in `serve`; ``ForwardAllDecider`` forwards all).
    ///   - group: event loops to serve on (one per core in production).
    public init(
        configuration: ProxyConfiguration,
        decider: any RequestDecider,
        group: any EventLoopGroup,
        logger: Logger,
        accessLog: AccessLogSink? = nil
    ) {
        self.configuration = configuration
        self.decider = decider
        self.group = group
        self.logger = logger
        self.accessLog = accessLog
        self.drained = group.any().makePromise(of: Void.self)
        #if DEBUG
        self.exchangeCensus = ExchangeCensus()
        #else
        self.exchangeCensus = nil
        #endif
    }

    /// Client connections open now, on every listener.
    public var openClientConnections: Int {
        self.state.withLockedValue { $0.children.count }
    }

    /// The client exchanges alive (one per HTTP/1.1 connection, one per HTTP/2 stream), counted in
    /// debug builds only, for the tests that check each one is freed; nil in release builds.
    public var liveExchangeCount: Int? {
        self.exchangeCensus?.count
    }

    /// The address the plain listener actually bound (useful with port 0), once started.
    public var localAddress: SocketAddress? {
        self.state.withLockedValue { $0.serverChannel?.localAddress }
    }

    /// The address the HTTPS listener actually bound, once started.
    public var tlsLocalAddress: SocketAddress? {
        self.state.withLockedValue { $0.tlsServerChannel?.localAddress }
    }

    private var listenerChannels: [Channel] {
        self.state.withLockedValue { [$0.serverChannel, $0.tlsServerChannel].compactMap { $0 } }
    }

    /// Binds the listeners (idempotent). `run()` calls it; tests call it to learn the port first.
    /// Returns the plain listener's address, or the HTTPS one's when it runs alone.
    @discardableResult
    public func start() async throws -> SocketAddress {
        if self.state.withLockedValue({ $0.started }), let address = self.localAddress ?? self.tlsLocalAddress {
            return address
        }
        // Names are resolved here, when serving starts, not while settings are read.
        var health = self.configuration.upstreamHealth
        health.probesWithRequests = self.configuration.upstreamHealthCheck == nil
        let upstreams = try ResolvedUpstreams.resolve(
            self.configuration.upstreamGroups,
            tls: self.configuration.upstreamTLS,
            health: health,
            resolver: self.configuration.upstreamResolver
        )
        let upstreamMetrics = UpstreamServerMetrics(upstreams: upstreams)
        let healthChecker = self.configuration.upstreamHealthCheck.map {
            UpstreamHealthChecker(upstreams: upstreams, check: $0, metrics: upstreamMetrics, logger: self.logger)
        }
        var createdRouters: [ObjectIdentifier: NIOLoopBound<UpstreamRouter>] = [:]
        var createdMetrics: [ObjectIdentifier: NIOLoopBound<ProxyMetrics>] = [:]
        var createdAccessLogs: [ObjectIdentifier: NIOLoopBound<AccessLogLoopBuffer>] = [:]
        var createdDeciders: [ObjectIdentifier: NIOLoopBound<any EventLoopRequestDecider>] = [:]
        var createdRequestIDs: [ObjectIdentifier: NIOLoopBound<RequestIDSource>] = [:]
        var createdHeadBuffers: [ObjectIdentifier: NIOLoopBound<HeadBufferPool>] = [:]
        let decider = self.decider
        for loop in self.group.makeIterator() {
            let poolConfiguration = self.configuration.poolConfiguration
            let logger = self.logger
            createdRouters[ObjectIdentifier(loop)] = try await loop.submit {
                NIOLoopBound(
                    UpstreamRouter(
                        eventLoop: loop,
                        upstreams: upstreams,
                        configuration: poolConfiguration,
                        metrics: upstreamMetrics,
                        logger: logger
                    ),
                    eventLoop: loop
                )
            }.get()
            createdMetrics[ObjectIdentifier(loop)] = try await loop.submit {
                NIOLoopBound(ProxyMetrics(), eventLoop: loop)
            }.get()
            createdDeciders[ObjectIdentifier(loop)] = try await loop.submit {
                NIOLoopBound(decider.makeEventLoopDecider(on: loop), eventLoop: loop)
            }.get()
            createdRequestIDs[ObjectIdentifier(loop)] = try await loop.submit {
                NIOLoopBound(RequestIDSource(), eventLoop: loop)
            }.get()
            createdHeadBuffers[ObjectIdentifier(loop)] = try await loop.submit {
                NIOLoopBound(HeadBufferPool(), eventLoop: loop)
            }.get()
            if let sink = self.accessLog {
                createdAccessLogs[ObjectIdentifier(loop)] = try await loop.submit {
                    NIOLoopBound(AccessLogLoopBuffer(sink: sink, eventLoop: loop), eventLoop: loop)
                }.get()
            }
        }
        let routers = createdRouters
        let loopMetrics = createdMetrics
        let loopDeciders = createdDeciders
        let loopRequestIDs = createdRequestIDs
        let loopHeadBuffers = createdHeadBuffers
        let loopAccessLogs = createdAccessLogs
        self.state.withLockedValue {
            $0.routers = routers
            $0.accessLogBuffers = Array(loopAccessLogs.values)
        }
        let configuration = self.configuration
        let environments = ProxyEnvironmentFactory(
            configuration: configuration,
            deciders: loopDeciders,
            logger: self.logger,
            routers: routers,
            metrics: loopMetrics,
            requestIDs: loopRequestIDs,
            headBuffers: loopHeadBuffers,
            accessLogs: loopAccessLogs,
            exchangeCensus: self.exchangeCensus
        )
        let stateBox = self.state
        let tlsContext = self.configuration.tls?.context.sslContext
        let tlsMetrics = self.configuration.tls?.context.enableMetrics()
        let limiter = self.configuration.maxConnections.map { ConnectionLimiter(limit: $0) }
        let reserve = DescriptorReserve()
        let group = self.group
        let logger = self.logger
        func bootstrap(tls: Bool) -> ServerBootstrap {
            let quiesce = ServerQuiescingHelper(group: group)
            stateBox.withLockedValue { $0.quiesce.append(quiesce) }
            return ServerBootstrap(group: group)
                .serverChannelOption(.backlog, value: 1024)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                // With a connection limit, one accept per read: the pause at the limit is then exact.
                .serverChannelOption(.maxMessagesPerRead, value: limiter == nil ? UInt(4) : UInt(1))
                .serverChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if let limiter {
                            try channel.pipeline.syncOperations.addHandler(ConnectionLimitHandler(limiter: limiter))
                        }
                        try channel.pipeline.syncOperations.addHandler(
                            AcceptPauseOnExhaustion(logger: logger, limiter: limiter, reserve: reserve)
                        )
                        try channel.pipeline.syncOperations.addHandler(
                            quiesce.makeServerChannelHandler(channel: channel)
                        )
                    }
                }
                .childChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
                .childChannelOption(.maxMessagesPerRead, value: 4)
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if let size = configuration.clientSendBuffer {
                            try channel.syncOptions?.setOption(
                                .socketOption(.so_sndbuf),
                                value: SocketOptionValue(size)
                            )
                        }
                        let id = ObjectIdentifier(channel)
                        stateBox.withLockedValue { $0.children[id] = channel }
                        channel.closeFuture.whenComplete { _ in
                            _ = stateBox.withLockedValue { $0.children.removeValue(forKey: id) }
                        }
                        // The PROXY header comes first on the wire, before a TLS ClientHello.
                        if configuration.proxyProtocol {
                            try channel.pipeline.syncOperations.addHandler(
                                ProxyProtocolHandler(trustedProxies: configuration.headerPolicy.trustedProxies)
                            )
                        }
                        guard tls, let tlsContext, let tlsMetrics else {
                            try Self.configureClientPipeline(
                                channel,
                                environment: try environments.environment(on: channel.eventLoop, isTLS: false)
                            )
                            return
                        }
                        try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tlsContext))
                        try channel.pipeline.syncOperations.addHandler(
                            TLSHandshakeObserver(metrics: tlsMetrics, timeout: configuration.timeouts.clientHeaderRead)
                        )
                        let recorder = ClientAddressRecorder()
                        try channel.pipeline.syncOperations.addHandler(recorder)
                        // The handlers behind depend on the protocol ALPN chose: HTTP/2 or HTTP/1.1.
                        let negotiation = ApplicationProtocolNegotiationHandler { result, channel in
                            channel.eventLoop.makeCompletedFuture {
                                // The header came before TLS: what it said is read below, and the
                                // recorder leaves the path of every read to come.
                                defer { _ = channel.pipeline.syncOperations.removeHandler(recorder) }
                                switch result {
                                case .negotiated("h2"):
                                    try HTTP2ConnectionSetup.configure(
                                        channel,
                                        environments: environments,
                                        announced: recorder.announced
                                    )
                                default:
                                    try Self.configureClientPipeline(
                                        channel,
                                        environment: try environments.environment(
                                            on: channel.eventLoop,
                                            isTLS: true,
                                            announced: recorder.announced
                                        )
                                    )
                                }
                            }
                        }
                        try channel.pipeline.syncOperations.addHandler(negotiation)
                    }
                }
        }
        var bound: [Channel] = []
        do {
            // Every listener is bound before any is announced: a port that is taken is the first
            // thing the operator reads.
            var plainChannel: Channel?
            var tlsChannel: Channel?
            if let listen = self.configuration.listen {
                let channel = try await ListenerBindFailure.naming(listen, listener: "--listen") {
                    try await bootstrap(tls: false).bind(to: listen).get()
                }
                bound.append(channel)
                plainChannel = channel
                self.state.withLockedValue { $0.serverChannel = channel }
            }
            if let tls = self.configuration.tls {
                let channel = try await ListenerBindFailure.naming(tls.address, listener: "--tls-listen") {
                    try await bootstrap(tls: true).bind(to: tls.address).get()
                }
                bound.append(channel)
                tlsChannel = channel
                self.state.withLockedValue { $0.tlsServerChannel = channel }
            }
            if let channel = plainChannel {
                self.logger.info(
                    "proxy listening",
                    metadata: [
                        "address": "\(channel.localAddress.map { "\($0)" } ?? "?")",
                        "upstreams": "\(upstreams.servers.map(\.label).joined(separator: ","))",
                    ]
                )
            }
            if let channel = tlsChannel, let tls = self.configuration.tls {
                self.logger.info(
                    "proxy listening (TLS)",
                    metadata: [
                        "address": "\(channel.localAddress.map { "\($0)" } ?? "?")",
                        "certificates": "\(tls.context.certificates.certificates.count)",
                    ]
                )
            }
        } catch {
            // Nothing listens when one listener cannot bind.
            for channel in bound { try? await channel.close() }
            self.state.withLockedValue {
                $0.serverChannel = nil
                $0.tlsServerChannel = nil
            }
            throw error
        }
        let nameRefresher = self.configuration.upstreamDNSRefresh.map {
            UpstreamNameRefresher(
                upstreams: upstreams,
                interval: $0,
                resolver: self.configuration.upstreamResolver,
                routers: Array(routers.values),
                onChange: { healthChecker?.addressesChanged($0, $1) },
                logger: self.logger
            )
        }
        self.state.withLockedValue {
            $0.started = true
            $0.healthChecker = healthChecker
            $0.nameRefresher = nameRefresher
        }
        healthChecker?.start(on: self.group)
        nameRefresher?.start(on: self.group.any())
        guard let address = self.localAddress ?? self.tlsLocalAddress else { throw ChannelError.unknownLocalAddress }
        return address
    }

    static func configureClientPipeline(_ channel: any Channel, environment: ProxyEnvironment) throws {
        let pipeline = channel.pipeline.syncOperations
        // No HTTP encoder: ``ClientConnectionHandler`` writes response bytes (``WireEncoding``).
        try pipeline.addHandler(
            RequestDecodingHandler(
                limits: environment.configuration.limits,
                headerTimeout: environment.configuration.timeouts.clientHeaderRead
            )
        )
        try pipeline.addHandler(ClientConnectionHandler(environment: environment, channel: channel))
    }

    /// Reopens the access log's file (SIGUSR1, for logrotate). Every event loop first hands over
    /// the lines it holds (up to a second's), so the lines of the requests served before the
    /// signal go to the file logrotate moved away, as nginx's do; then the file is opened anew.
    public func reopenAccessLog() {
        guard let sink = self.accessLog else { return }
        let buffers = self.state.withLockedValue { $0.accessLogBuffers }
        guard let loop = buffers.first?.eventLoop else {
            sink.reopen()
            return
        }
        let handedOver = buffers.map { buffer in buffer.eventLoop.submit { buffer.value.flush() } }
        EventLoopFuture.andAllComplete(handedOver, on: loop).whenComplete { _ in sink.reopen() }
    }

    public func run() async throws {
        try await self.start()
        try await withTaskCancellationHandler {
            try await withGracefulShutdownHandler {
                try await self.drained.futureResult.get()
            } onGracefulShutdown: {
                self.initiateShutdown()
            }
        } onCancel: {
            self.initiateShutdown(drain: .zero)
        }
        for channel in self.listenerChannels { try? await channel.closeFuture.get() }
        self.releaseQuiescingHelper()
        self.logger.info("proxy stopped")
    }

    /// Initiates shutdown (see ``initiateShutdown(drain:)``) and waits until every connection and
    /// pooled upstream connection is closed.
    public func shutdown(drain: TimeAmount? = nil) async {
        self.initiateShutdown(drain: drain)
        try? await self.drained.futureResult.get()
        for channel in self.listenerChannels { try? await channel.closeFuture.get() }
        self.releaseQuiescingHelper()
    }

    /// The helper fails a promise when it is deinitialised: let that happen while the event
    /// loops still run.
    private func releaseQuiescingHelper() {
        let helpers = self.state.withLockedValue { state -> [ServerQuiescingHelper] in
            defer { state.quiesce = [] }
            return state.quiesce
        }
        _ = helpers
    }

    /// Stops accepting, asks every connection to finish its current exchange and close, and
    /// force-closes whatever is still open after `drain` (default: the configured drain time).
    public func initiateShutdown(drain: TimeAmount? = nil) {
        let helpers: [ServerQuiescingHelper]? = self.state.withLockedValue { state in
            guard !state.shutdownStarted else { return nil }
            state.shutdownStarted = true
            return state.quiesce
        }
        if helpers != nil {
            self.state.withLockedValue { $0.healthChecker }?.stop()
            self.state.withLockedValue { $0.nameRefresher }?.stop()
        }
        guard let helpers, !helpers.isEmpty else {
            if helpers != nil, self.listenerChannels.isEmpty { self.drained.succeed() }
            return
        }
        self.logger.info("proxy draining")
        let drainTime = drain ?? self.configuration.timeouts.drain
        // Every listener stops accepting; its open connections finish their exchange and close.
        let listenersClosed = helpers.map { helper -> EventLoopFuture<Void> in
            let promise = self.group.any().makePromise(of: Void.self)
            helper.initiateShutdown(promise: promise)
            return promise.futureResult
        }
        let everythingClosed = self.group.any().makePromise(of: Void.self)
        EventLoopFuture.andAllComplete(listenersClosed, on: everythingClosed.futureResult.eventLoop)
            .cascade(to: everythingClosed)
        let stateBox = self.state
        let forceClose = self.group.any().scheduleTask(in: drainTime) {
            let children = stateBox.withLockedValue { Array($0.children.values) }
            for child in children {
                // Said first, so that what is cut is logged as the drain's doing, not the client's.
                child.eventLoop.execute {
                    child.pipeline.fireUserInboundEventTriggered(DrainDeadlineReached())
                    child.close(promise: nil)
                }
            }
        }
        let routers = self.state.withLockedValue { Array($0.routers.values) }
        let accessLogs = self.state.withLockedValue { $0.accessLogBuffers }
        let drained = self.drained
        everythingClosed.futureResult.whenComplete { _ in
            forceClose.cancel()
            var shutdowns: [EventLoopFuture<Void>] = []
            for router in routers {
                shutdowns.append(router.eventLoop.flatSubmit { router.value.shutdown() })
            }
            // Every connection is closed, so every line is in its loop's buffer: hand them over.
            for buffer in accessLogs {
                shutdowns.append(buffer.eventLoop.submit { buffer.value.stop() })
            }
            EventLoopFuture.andAllComplete(shutdowns, on: drained.futureResult.eventLoop).cascade(to: drained)
        }
    }
}
