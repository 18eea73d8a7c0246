import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// Re-resolves the upstream servers given by name every `interval`, on the thread pool (never on
/// an event loop), and hands changed address lists to every loop's ``UpstreamRouter`` by message
/// (each loop's pools then connect to the new addresses and close idle connections to the old).
/// A name that stops resolving keeps its last addresses; that is logged once, and again when it
/// resolves.
final class UpstreamNameRefresher: Sendable {
    private struct Name: Sendable {
        let server: Int
        let label: String
        let host: String
        let port: Int
    }

    private struct State {
        var addresses: [Int: [SocketAddress]] = [:]
        var failing: Set<Int> = []
        var task: RepeatedTask?
    }

    private let names: [Name]
    private let interval: TimeAmount
    private let resolver: UpstreamNameResolution.Resolver
    private let routers: [NIOLoopBound<UpstreamRouter>]
    /// Told of every change too (the active health checks).
    private let onChange: @Sendable (Int, [SocketAddress]) -> Void
    private let logger: Logger
    /// Touched once per interval, never on the request path.
    private let state = NIOLockedValueBox(State())

    init(
        upstreams: ResolvedUpstreams,
        interval: TimeAmount,
        resolver: @escaping UpstreamNameResolution.Resolver,
        routers: [NIOLoopBound<UpstreamRouter>],
        onChange: @escaping @Sendable (Int, [SocketAddress]) -> Void = { _, _ in },
        logger: Logger
    ) {
        var names: [Name] = []
        var addresses: [Int: [SocketAddress]] = [:]
        for (index, server) in upstreams.servers.enumerated() {
            guard let host = server.host else { continue }
            names.append(Name(server: index, label: server.label, host: host, port: server.port))
            addresses[index] = server.addresses
        }
        self.names = names
        self.interval = interval
        self.resolver = resolver
        self.routers = routers
        self.onChange = onChange
        self.logger = logger
        self.state.withLockedValue { $0.addresses = addresses }
    }

    func start(on loop: EventLoop) {
        guard !self.names.isEmpty else { return }
        let task = loop.scheduleRepeatedAsyncTask(initialDelay: self.interval, delay: self.interval) { _ in
            self.refresh(on: loop)
        }
        self.state.withLockedValue { $0.task = task }
    }

    func stop() {
        self.state.withLockedValue { $0.task }?.cancel()
    }

    /// Resolves every name once and applies the results.
    func refresh(on loop: EventLoop) -> EventLoopFuture<Void> {
        let names = self.names
        let resolver = self.resolver
        return NIOThreadPool.singleton.runIfActive(eventLoop: loop) {
            names.map { name in Result { try resolver(name.host, name.port) } }
        }.map { results in
            for (name, result) in zip(names, results) { self.apply(name, result) }
        }
    }

    private func apply(_ name: Name, _ result: Result<[SocketAddress], Error>) {
        switch result {
        case .failure(let error):
            let first = self.state.withLockedValue { $0.failing.insert(name.server).inserted }
            if first {
                self.logger.warning(
                    "upstream server name does not resolve, keeping its last addresses",
                    metadata: ["server": "\(name.label)", "error": "\(error)"]
                )
            }
        case .success(let addresses):
            let (changed, recovered) = self.state.withLockedValue { state in
                let recovered = state.failing.remove(name.server) != nil
                // The same addresses in another order (round-robin DNS) are no change.
                let changed =
                    Set((state.addresses[name.server] ?? []).map(UpstreamNameResolution.key))
                    != Set(addresses.map(UpstreamNameResolution.key))
                state.addresses[name.server] = addresses
                return (changed, recovered)
            }
            if recovered {
                self.logger.notice("upstream server name resolves again", metadata: ["server": "\(name.label)"])
            }
            guard changed else { return }
            self.logger.notice(
                "upstream server addresses changed",
                metadata: [
                    "server": "\(name.label)",
                    "addresses": "\(addresses.map(UpstreamNameResolution.key).joined(separator: ","))",
                ]
            )
            for router in self.routers {
                router.eventLoop.execute { router.value.updateAddresses(name.server, addresses) }
            }
            self.onChange(name.server, addresses)
        }
    }
}
