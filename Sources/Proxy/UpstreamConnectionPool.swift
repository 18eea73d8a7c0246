import Metrics
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// Keep-alive connections to the upstream for one event loop. Every client connection on that
/// loop leases from it, so forwarding never hops threads. Only touched on its event loop.
final class UpstreamConnectionPool {
    struct Lease {
        let connection: UpstreamConnection
        /// The connection served an earlier request (it may have been closed by the upstream meanwhile).
        let reused: Bool
    }

    struct PoolError: Error, CustomStringConvertible {
        var description: String
    }

    let eventLoop: EventLoop
    /// Where new connections go, in turn (every address of the server's name).
    private(set) var addresses: [SocketAddress]
    private var nextAddress = 0
    let configuration: UpstreamPoolConfiguration
    private var idle: [UpstreamConnection] = []
    private var openCount = 0
    private var waiters = CircularBuffer<(EventLoopPromise<Lease>, Scheduled<Void>?)>()
    private var isShutDown = false
    private var sweeper: Scheduled<Void>?
    /// Upstream connections open now, pooled, leased or tunnelling (all loops add to one gauge).
    private let openConnections = Meter(label: "freezegate_upstream_connections")

    /// Closes connections idle for longer than the idle timeout. One task per pool, not per
    /// release: releasing happens after every request.
    private func scheduleSweep() {
        guard self.sweeper == nil, !self.idle.isEmpty, !self.isShutDown else { return }
        let interval = TimeAmount.nanoseconds(max(self.configuration.idleTimeout.nanoseconds / 4, 10_000_000))
        self.sweeper = self.eventLoop.assumeIsolated().scheduleTask(in: interval) {
            self.sweeper = nil
            self.sweep()
        }
    }

    private func sweep() {
        let cutoff = NIODeadline.now() - self.configuration.idleTimeout
        var kept: [UpstreamConnection] = []
        for connection in self.idle {
            if connection.idleSince <= cutoff {
                connection.phase = .closed
                self.openCount -= 1
                connection.channel.close(promise: nil)
            } else {
                kept.append(connection)
            }
        }
        self.idle = kept
        self.scheduleSweep()
    }

    /// TLS to the upstream, when its URL is https.
    let tls: UpstreamTLS?
    /// The server's index in its ``UpstreamRouter``, stamped on every connection.
    let serverIndex: Int

    init(
        eventLoop: EventLoop,
        addresses: [SocketAddress],
        configuration: UpstreamPoolConfiguration,
        tls: UpstreamTLS? = nil,
        serverIndex: Int = 0
    ) {
        self.eventLoop = eventLoop
        self.addresses = addresses
        self.configuration = configuration
        self.tls = tls
        self.serverIndex = serverIndex
    }

    /// Connections currently idle in the pool (tests and metrics).
    var idleCount: Int { self.idle.count }
    /// Connections open or being opened.
    var connectionCount: Int { self.openCount }
    /// Requests this pool's server is busy with on this loop: leased or connecting connections
    /// and waiters (least connections compares it).
    var activeCount: Int { self.openCount - self.idle.count + self.waiters.count }

    /// An idle live connection, leased synchronously (the common keep-alive case: no future).
    func leaseIdle() -> Lease? {
        self.eventLoop.preconditionInEventLoop()
        guard !self.isShutDown else { return nil }
        while let connection = self.idle.popLast() {
            guard connection.channel.isActive else {
                connection.phase = .closed
                self.openCount -= 1
                continue
            }
            connection.phase = .leased
            return Lease(connection: connection, reused: true)
        }
        return nil
    }

    func acquire() -> EventLoopFuture<Lease> {
        self.eventLoop.preconditionInEventLoop()
        if self.isShutDown {
            return self.eventLoop.makeFailedFuture(PoolError(description: "pool shut down"))
        }
        if let lease = self.leaseIdle() {
            return self.eventLoop.assumeIsolated().makeSucceededFuture(lease)
        }
        if self.openCount < self.configuration.maxConnectionsPerLoop {
            return self.connect().assumeIsolated().map { Lease(connection: $0, reused: false) }.nonisolated()
        }
        let promise = self.eventLoop.makePromise(of: Lease.self)
        let timeout = self.eventLoop.assumeIsolated().scheduleTask(in: self.configuration.connectTimeout) {
            self.failWaiter(promise)
        }
        self.waiters.append((promise, timeout))
        return promise.futureResult
    }

    /// Gives a leased connection back; `reusable` only when request and response both completed
    /// on it and the upstream keeps it alive.
    func release(_ connection: UpstreamConnection, reusable: Bool) {
        self.eventLoop.preconditionInEventLoop()
        guard connection.phase == .leased else { return }
        connection.handler.delegate = nil
        connection.handler.setReadAllowed(true)
        connection.requestCount += 1
        if reusable && connection.handler.isReusable && connection.channel.isActive && !self.isShutDown
            && self.isCurrent(connection)
        {
            if let (waiter, timeout) = self.waiters.popFirst() {
                timeout?.cancel()
                waiter.assumeIsolated().succeed(Lease(connection: connection, reused: true))
                return
            }
            connection.phase = .idle
            connection.idleSince = .now()
            self.idle.append(connection)
            self.scheduleSweep()
            return
        }
        connection.phase = .closed
        self.openCount -= 1
        connection.channel.close(promise: nil)
        self.serveWaiterWithNewConnection()
    }

    /// Takes a leased connection out of the pool for good (it became a WebSocket tunnel).
    func detach(_ connection: UpstreamConnection) {
        guard connection.phase == .leased else { return }
        connection.handler.delegate = nil
        connection.phase = .closed
        self.openCount -= 1
        self.serveWaiterWithNewConnection()
    }

    /// The server's name now resolves to `addresses`: new connections go there, and idle
    /// connections to an address that is gone are closed (leased ones when given back).
    func updateAddresses(_ addresses: [SocketAddress]) {
        self.eventLoop.preconditionInEventLoop()
        guard !addresses.isEmpty else { return }
        self.addresses = addresses
        var kept: [UpstreamConnection] = []
        for connection in self.idle {
            if self.isCurrent(connection) {
                kept.append(connection)
            } else {
                connection.phase = .closed
                self.openCount -= 1
                connection.channel.close(promise: nil)
            }
        }
        self.idle = kept
    }

    /// The connection's address is still one of the server's (`==` compares the address and port,
    /// not the name it was resolved from).
    private func isCurrent(_ connection: UpstreamConnection) -> Bool {
        self.addresses.contains(connection.address)
    }

    /// Closes idle connections and refuses new leases; the future completes when they are closed.
    func shutdown() -> EventLoopFuture<Void> {
        self.isShutDown = true
        var closed: [EventLoopFuture<Void>] = []
        self.sweeper?.cancel()
        self.sweeper = nil
        for connection in self.idle {
            connection.channel.close(promise: nil)
            closed.append(connection.channel.closeFuture)
        }
        while let (waiter, timeout) = self.waiters.popFirst() {
            timeout?.cancel()
            waiter.fail(PoolError(description: "pool shut down"))
        }
        return EventLoopFuture.andAllComplete(closed, on: self.eventLoop)
    }

    private func failWaiter(_ promise: EventLoopPromise<Lease>) {
        if let index = self.waiters.firstIndex(where: { $0.0.futureResult === promise.futureResult }) {
            self.waiters.remove(at: index)
            promise.fail(PoolError(description: "timed out waiting for an upstream connection"))
        }
    }

    private func serveWaiterWithNewConnection() {
        guard let (waiter, timeout) = self.waiters.popFirst() else { return }
        timeout?.cancel()
        self.connect().assumeIsolated().whenComplete { result in
            switch result {
            case .success(let connection):
                waiter.assumeIsolated().succeed(Lease(connection: connection, reused: false))
            case .failure(let error):
                waiter.fail(error)
            }
        }
    }

    private func connectionClosed(_ connection: UpstreamConnection) {
        guard connection.phase == .idle else { return }
        connection.phase = .closed
        self.openCount -= 1
        if let index = self.idle.firstIndex(where: { $0 === connection }) {
            self.idle.remove(at: index)
        }
    }

    private func connect() -> EventLoopFuture<UpstreamConnection> {
        self.openCount += 1
        let tls = self.tls
        let handshake = tls.map { _ in self.eventLoop.makePromise(of: Void.self) }
        let bootstrap = ClientBootstrap(group: self.eventLoop)
            .connectTimeout(self.configuration.connectTimeout)
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls, let handshake {
                        try channel.pipeline.syncOperations.addHandler(
                            try NIOSSLClientHandler(context: tls.context, serverHostname: tls.serverHostname)
                        )
                        try channel.pipeline.syncOperations.addHandler(TLSHandshakeWaiter(promise: handshake))
                    }
                    // No HTTP codec: the UpstreamHandler writes request bytes and parses responses.
                    try channel.pipeline.syncOperations.addHandler(UpstreamHandler())
                }
            }
        let timeout = self.configuration.connectTimeout
        let serverIndex = self.serverIndex
        let address = self.addresses[self.nextAddress % max(1, self.addresses.count)]
        self.nextAddress &+= 1
        return bootstrap.connect(to: address).flatMap { channel -> EventLoopFuture<Channel> in
            guard let handshake else { return channel.eventLoop.makeSucceededFuture(channel) }
            // Handed out only after the handshake: a certificate that does not verify is a
            // connect failure, within the connect timeout.
            let deadline = channel.eventLoop.scheduleTask(in: timeout) {
                handshake.fail(ChannelError.connectTimeout(timeout))
            }
            return handshake.futureResult.map { channel }.always { _ in deadline.cancel() }.flatMapError { error in
                channel.close(promise: nil)
                return channel.eventLoop.makeFailedFuture(error)
            }
        }.flatMapThrowing { channel in
            let handler = try channel.pipeline.syncOperations.handler(type: UpstreamHandler.self)
            return UpstreamConnection(channel: channel, handler: handler, serverIndex: serverIndex, address: address)
        }.assumeIsolated().map { connection in
            self.openConnections.increment()
            connection.channel.closeFuture.assumeIsolated().whenComplete { _ in
                self.openConnections.decrement()
                self.connectionClosed(connection)
            }
            return connection
        }.flatMapErrorThrowing { error in
            self.openCount -= 1
            throw error
        }.nonisolated()
    }
}
