import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// A real HTTP/1.1 origin server for tests: records every request it receives (head, body size,
/// checksum, completeness, connection) and answers as the `behavior` closure says.
/// Binds 127.0.0.1 on an ephemeral port.
public final class RecordingUpstream: Sendable {
    struct Record {
        var requests: [RecordedRequest] = []
        var connections = 0
        var channels: [Channel] = []
        /// Every byte each connection received, before any HTTP decoding.
        var received: [[UInt8]] = []
        /// Body bytes of `.stream` responses handed to the connections so far (what the gateway
        /// let the upstream write: a bound on it shows the gateway's backpressure).
        var streamedBytes = 0
    }

    private let group: any EventLoopGroup
    private let behavior: @Sendable (HTTPRequestHead) -> UpstreamBehavior
    /// Speaks TLS with this context when set (an https upstream).
    private let tls: NIOSSLContext?
    private let record = NIOLockedValueBox(Record())
    private let serverChannel = NIOLockedValueBox<Channel?>(nil)

    public init(
        group: any EventLoopGroup,
        tls: NIOSSLContext? = nil,
        behavior: @escaping @Sendable (HTTPRequestHead) -> UpstreamBehavior = { _ in
            .respond(.ok, HTTPHeaders(), "hello")
        }
    ) {
        self.group = group
        self.tls = tls
        self.behavior = behavior
    }

    /// Binds (`port` 0: an ephemeral one) and returns the address.
    public func start(port: Int = 0) async throws -> SocketAddress {
        let record = self.record
        let behavior = self.behavior
        let tls = self.tls
        let channel = try await ServerBootstrap(group: self.group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let index = record.withLockedValue { state in
                        state.connections += 1
                        state.channels.append(channel)
                        state.received.append([])
                        return state.connections - 1
                    }
                    if let tls {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls))
                    }
                    try channel.pipeline.syncOperations.addHandler(
                        ReceivedBytesRecorder { bytes in
                            record.withLockedValue { $0.received[index].append(contentsOf: bytes) }
                        }
                    )
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(
                        RecordingUpstreamHandler(connectionIndex: index, record: record, behavior: behavior)
                    )
                }
            }
            .bind(host: "127.0.0.1", port: port).get()
        self.serverChannel.withLockedValue { $0 = channel }
        guard let address = channel.localAddress else { throw ChannelError.unknownLocalAddress }
        return address
    }

    /// Where it listens, once started.
    public var address: SocketAddress? {
        self.serverChannel.withLockedValue { $0?.localAddress }
    }

    /// Requests seen so far, complete or not, in arrival order.
    public var requests: [RecordedRequest] {
        self.record.withLockedValue { $0.requests }
    }

    /// Completed requests only.
    public var completeRequests: [RecordedRequest] {
        self.requests.filter(\.complete)
    }

    /// The bytes each connection received so far, exactly as they arrived (in accept order).
    public var receivedBytes: [[UInt8]] {
        self.record.withLockedValue { $0.received }
    }

    /// Body bytes of `.stream` responses written so far, over all connections.
    public var streamedBytes: Int {
        self.record.withLockedValue { $0.streamedBytes }
    }

    /// TCP connections accepted so far.
    public var connectionCount: Int {
        self.record.withLockedValue { $0.connections }
    }

    /// Connections still open.
    public var openConnectionCount: Int {
        self.record.withLockedValue { $0.channels.filter(\.isActive).count }
    }

    /// Closes every accepted connection (the pool then holds dead connections).
    public func closeAllConnections() async {
        let channels = self.record.withLockedValue { $0.channels }
        for channel in channels {
            try? await channel.close()
        }
    }

    public func stop() async {
        let channel = self.serverChannel.withLockedValue { $0 }
        try? await channel?.close()
        await self.closeAllConnections()
    }
}
