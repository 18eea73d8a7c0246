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

    /// A request waiting for a connection: its promise and the timer that fails it.
    struct Waiter {
        let promise: EventLoopPromise<Lease>
        let timeout: Scheduled<Void>?
    }

    let eventLoop: EventLoop
    /// Where new connections go, in turn (every address of the server's name).
    private(set) var addresses: [SocketAddress]
    private var nextAddress = 0
    let configuration: UpstreamPoolConfiguration
    /// The counts, the idle list and the queue; every rule of the pool is there.
    private var state: UpstreamPoolState<UpstreamConnection, Waiter>
    private var sweeper: Scheduled<Void>?
    /// Upstream connections open now, pooled, leased or tunnelling (all loops add to one gauge).
    private let openConnections = Meter(label: "freezegate_upstream_connections")

    /// Closes connections idle for longer than the idle timeout. One task per pool, not per
    /// release: releasing happens after every request.
    private func scheduleSweep() {
        guard self.sweeper == nil, !self.state.idle.isEmpty, !self.state.isShutDown else { return }
        let interval = TimeAmount.nanoseconds(max(self.configuration.idleTimeout.nanoseconds / 4, 10_000_000))
        self.sweeper = self.eventLoop.assumeIsolated().scheduleTask(in: interval) {
            self.sweeper = nil
            self.sweep()
        }
    }

    private func sweep() {
        let cutoff = NIODeadline.now() - self.configuration.idleTimeout
        for connection in self.state.removeIdle(where: { $0.idleSince <= cutoff }) {
            connection.channel.close(promise: nil)
        }
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
        self.state = UpstreamPoolState(maxConnections: configuration.maxConnectionsPerLoop)
        self.tls = tls
        self.serverIndex = serverIndex
    }

    /// Connections currently idle in the pool (tests and metrics).
    var idleCount: Int { self.state.idle.count }
    /// Connections open or being opened.
    var connectionCount: Int { self.state.openCount }
    /// Requests this pool's server is busy with on this loop: leased or connecting connections
    /// and waiters (least connections compares it).
    var activeCount: Int { self.state.activeCount }

    /// An idle live connection, leased synchronously (the common keep-alive case: no future).
    func leaseIdle() -> Lease? {
        self.eventLoop.preconditionInEventLoop()
        return self.state.leaseIdle(isAlive: { $0.channel.isActive }).map { Lease(connection: $0, reused: true) }
    }

    func acquire() -> EventLoopFuture<Lease> {
        self.eventLoop.preconditionInEventLoop()
        let makeWaiter = {
            let promise = self.eventLoop.makePromise(of: Lease.self)
            let timeout = self.eventLoop.assumeIsolated().scheduleTask(in: self.configuration.connectTimeout) {
                self.failWaiter(promise)
            }
            return Waiter(promise: promise, timeout: timeout)
        }
        let acquisition = self.state.acquire(isAlive: { $0.channel.isActive }, makeWaiter: makeWaiter)
        switch acquisition {
        case .lease(let connection):
            return self.eventLoop.assumeIsolated().makeSucceededFuture(Lease(connection: connection, reused: true))
        case .connect:
            return self.connect().assumeIsolated().map { Lease(connection: $0, reused: false) }.nonisolated()
        case .wait(let waiter):
            return waiter.promise.futureResult
        case .refuse:
            return self.eventLoop.makeFailedFuture(PoolError(description: "pool shut down"))
        }
    }

    /// Gives a leased connection back; `reusable` only when request and response both completed
    /// on it and the upstream keeps it alive.
    func release(_ connection: UpstreamConnection, reusable: Bool) {
        self.eventLoop.preconditionInEventLoop()
        guard connection.poolPhase == .leased else { return }
        connection.handler.delegate = nil
        connection.handler.setReadAllowed(true)
        connection.requestCount += 1
        let keepable =
            reusable && connection.handler.isReusable && connection.channel.isActive && self.isCurrent(connection)
        switch self.state.release(connection, reusable: keepable, now: .now()) {
        case .none:
            break
        case .handOver(let waiter):
            waiter.timeout?.cancel()
            waiter.promise.assumeIsolated().succeed(Lease(connection: connection, reused: true))
        case .keptIdle:
            self.scheduleSweep()
        case .close(let waiter):
            connection.channel.close(promise: nil)
            if let waiter { self.connect(for: waiter) }
        }
    }

    /// Takes a leased connection out of the pool for good (it became a WebSocket tunnel).
    func detach(_ connection: UpstreamConnection) {
        guard connection.poolPhase == .leased else { return }
        connection.handler.delegate = nil
        if let waiter = self.state.detach(connection) { self.connect(for: waiter) }
    }

    /// The server's name now resolves to `addresses`: new connections go there, and idle
    /// connections to an address that is gone are closed (leased ones when given back).
    func updateAddresses(_ addresses: [SocketAddress]) {
        self.eventLoop.preconditionInEventLoop()
        guard !addresses.isEmpty else { return }
        self.addresses = addresses
        for connection in self.state.removeIdle(where: { !self.isCurrent($0) }) {
            connection.channel.close(promise: nil)
        }
    }

    /// The connection's address is still one of the server's (`==` compares the address and port,
    /// not the name it was resolved from).
    private func isCurrent(_ connection: UpstreamConnection) -> Bool {
        self.addresses.contains(connection.address)
    }

    /// Closes idle connections and refuses new leases; the future completes when they are closed.
    func shutdown() -> EventLoopFuture<Void> {
        let (idle, waiters) = self.state.shutDown()
        var closed: [EventLoopFuture<Void>] = []
        self.sweeper?.cancel()
        self.sweeper = nil
        for connection in idle {
            connection.channel.close(promise: nil)
            closed.append(connection.channel.closeFuture)
        }
        for waiter in waiters {
            waiter.timeout?.cancel()
            waiter.promise.fail(PoolError(description: "pool shut down"))
        }
        return EventLoopFuture.andAllComplete(closed, on: self.eventLoop)
    }

    private func failWaiter(_ promise: EventLoopPromise<Lease>) {
        if self.state.removeWaiter(where: { $0.promise.futureResult === promise.futureResult }) {
            promise.fail(PoolError(description: "timed out waiting for an upstream connection"))
        }
    }

    /// Opens the connection the state counted for `waiter` when another closed.
    private func connect(for waiter: Waiter) {
        waiter.timeout?.cancel()
        self.connect().assumeIsolated().whenComplete { result in
            switch result {
            case .success(let connection):
                waiter.promise.assumeIsolated().succeed(Lease(connection: connection, reused: false))
            case .failure(let error):
                waiter.promise.fail(error)
            }
        }
    }

    /// Opens a connection the state has already counted (`.connect`, `.close(connectFor:)`).
    private func connect() -> EventLoopFuture<UpstreamConnection> {
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
                self.state.closed(connection)
            }
            return connection
        }.flatMapErrorThrowing { error in
            self.state.connectFailed()
            throw error
        }.nonisolated()
    }
}
