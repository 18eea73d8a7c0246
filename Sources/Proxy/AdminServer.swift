import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle

/// The admin listener (`--admin-listen`): `GET /healthz` → 200 while the process runs,
/// `GET /readyz` → 200/503 from the readiness closure (a full tenant snapshot loaded),
/// `GET /metrics` → the Prometheus text the metrics closure renders.
public final class AdminServer: Service, Sendable {
    private let address: SocketAddress
    private let group: any EventLoopGroup
    private let readiness: @Sendable () -> Bool
    private let metrics: @Sendable () -> String
    private let logger: Logger
    private let channel = NIOLockedValueBox<Channel?>(nil)

    public init(
        address: SocketAddress,
        group: any EventLoopGroup,
        logger: Logger,
        readiness: @escaping @Sendable () -> Bool,
        metrics: @escaping @Sendable () -> String
    ) {
        self.address = address
        self.group = group
        self.logger = logger
        self.readiness = readiness
        self.metrics = metrics
    }

    /// The bound address once started.
    public var localAddress: SocketAddress? {
        self.channel.withLockedValue { $0?.localAddress }
    }

    /// Binds (idempotent) and logs the address.
    @discardableResult
    public func start() async throws -> SocketAddress {
        let address = try await self.bind()
        self.announce()
        return address
    }

    /// Logs the bound address (``bind()`` leaves it to the caller, which binds the proxy's
    /// listeners in between: a taken port is then the first line the operator reads).
    public func announce() {
        let address = self.channel.withLockedValue { $0?.localAddress }
        self.logger.info("admin listening", metadata: ["address": "\(address.map { "\($0)" } ?? "?")"])
    }

    /// Binds without logging (idempotent).
    @discardableResult
    public func bind() async throws -> SocketAddress {
        if let address = self.localAddress { return address }
        let readiness = self.readiness
        let metrics = self.metrics
        let bootstrap = ServerBootstrap(group: self.group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(
                        AdminHandler(readiness: readiness, metrics: metrics)
                    )
                }
            }
        let channel = try await ListenerBindFailure.naming(self.address, listener: "--admin-listen") {
            try await bootstrap.bind(to: self.address).get()
        }
        self.channel.withLockedValue { $0 = channel }
        return channel.localAddress ?? self.address
    }

    public func run() async throws {
        if self.localAddress == nil { try await self.start() }
        guard let channel = self.channel.withLockedValue({ $0 }) else { return }
        try await withTaskCancellationHandler {
            try await withGracefulShutdownHandler {
                try await channel.closeFuture.get()
            } onGracefulShutdown: {
                channel.close(promise: nil)
            }
        } onCancel: {
            channel.close(promise: nil)
        }
    }

    /// Closes the listener.
    public func stop() {
        self.channel.withLockedValue { $0 }?.close(promise: nil)
    }
}
