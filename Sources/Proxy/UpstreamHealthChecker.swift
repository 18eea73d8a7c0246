import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL

/// Runs the active health checks (``UpstreamHealthCheck``) of every server: each server on one
/// event loop, one check at a time, `interval` between the end of one and the start of the next.
/// A verdict changes the server's shared ``UpstreamHealthCell``; each transition is logged once.
final class UpstreamHealthChecker: Sendable {
    private let upstreams: ResolvedUpstreams
    private let check: UpstreamHealthCheck
    private let metrics: UpstreamServerMetrics
    private let logger: Logger
    /// Touched at start and stop only, never on the request path.
    private let tasks = NIOLockedValueBox<[RepeatedTask]>([])
    /// Where each server is checked: its first address, as last resolved (read once per check).
    private let targets: NIOLockedValueBox<[SocketAddress]>

    init(upstreams: ResolvedUpstreams, check: UpstreamHealthCheck, metrics: UpstreamServerMetrics, logger: Logger) {
        self.upstreams = upstreams
        self.check = check
        self.metrics = metrics
        self.logger = logger
        self.targets = NIOLockedValueBox(upstreams.servers.map { $0.addresses[0] })
    }

    /// The server's name resolved to other addresses: check the new ones from now on.
    func addressesChanged(_ server: Int, _ addresses: [SocketAddress]) {
        guard let first = addresses.first else { return }
        self.targets.withLockedValue { $0[server] = first }
    }

    func start(on group: any EventLoopGroup) {
        var started: [RepeatedTask] = []
        for index in self.upstreams.servers.indices {
            let loop = group.next()
            let counter = NIOLoopBoundBox.makeBoxSendingValue(ActiveHealthCounter(), eventLoop: loop)
            started.append(
                loop.scheduleRepeatedAsyncTask(initialDelay: .zero, delay: self.check.interval) { _ in
                    self.probe(index, on: loop).map { passed in
                        self.record(index, passed: passed, counter: counter)
                    }
                }
            )
        }
        self.tasks.withLockedValue { $0 = started }
    }

    func stop() {
        let tasks = self.tasks.withLockedValue { tasks in
            defer { tasks = [] }
            return tasks
        }
        for task in tasks { task.cancel() }
    }

    private func record(_ index: Int, passed: Bool, counter: NIOLoopBoundBox<ActiveHealthCounter>) {
        let server = self.upstreams.servers[index]
        switch counter.value.record(passed: passed, policy: self.check) {
        case .healthy:
            if server.health.recordSuccess() == .cameBack {
                self.logger.notice(
                    "upstream server back up",
                    metadata: ["server": "\(server.label)", "by": "health check"]
                )
                self.metrics.healthChanged(index, up: true)
            }
        case .unhealthy:
            if server.health.markDown(now: UpstreamHealthCell.now()) == .wentDown {
                self.logger.warning(
                    "upstream server down",
                    metadata: ["server": "\(server.label)", "by": "health check", "path": "\(self.check.path)"]
                )
                self.metrics.healthChanged(index, up: false)
            }
        case nil:
            break
        }
    }

    /// One check: true for a 2xx or 3xx status line within the timeout.
    private func probe(_ index: Int, on loop: EventLoop) -> EventLoopFuture<Bool> {
        let server = self.upstreams.servers[index]
        let status = loop.makePromise(of: Int.self)
        let timeout = self.check.timeout
        let request = ByteBuffer(
            string:
                "GET \(self.check.path) HTTP/1.1\r\nHost: \(server.label)\r\nUser-Agent: freezegate-health-check\r\n"
                + "Connection: close\r\n\r\n"
        )
        let deadline = loop.scheduleTask(in: timeout) {
            status.fail(ChannelError.connectTimeout(timeout))
        }
        ClientBootstrap(group: loop)
            .connectTimeout(timeout)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls = server.tls {
                        try channel.pipeline.syncOperations.addHandler(
                            try NIOSSLClientHandler(context: tls.context, serverHostname: tls.serverHostname)
                        )
                    }
                    try channel.pipeline.syncOperations.addHandler(HealthCheckResponseHandler(promise: status))
                }
            }
            .connect(to: self.targets.withLockedValue { $0[index] })
            .whenComplete { result in
                switch result {
                case .success(let channel):
                    channel.writeAndFlush(request, promise: nil)
                    status.futureResult.whenComplete { _ in channel.close(promise: nil) }
                case .failure(let error):
                    status.fail(error)
                }
            }
        return status.futureResult.map { (200..<400).contains($0) }.recover { _ in false }.always { _ in
            deadline.cancel()
        }
    }
}
