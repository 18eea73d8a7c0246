import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL

#if canImport(Glibc)
import Glibc
#endif

/// A plain TCP connection for tests that must send exact bytes (malformed framing, slow headers,
/// pipelining, WebSocket frames) and see exactly what comes back, including whether the peer closed.
public final class RawHTTPConnection: Sendable {
    struct Received {
        var bytes: [UInt8] = []
        var closed = false
        var reset = false
    }

    private let channel: Channel
    private let received: NIOLockedValueBox<Received>

    private init(channel: Channel, received: NIOLockedValueBox<Received>) {
        self.channel = channel
        self.received = received
    }

    /// Connects to `address`; with `tls`, speaks TLS over the connection (sending `serverName` as
    /// SNI and verifying the server as `tls` says) and the bytes are those inside it.
    public static func connect(
        to address: SocketAddress,
        group: any EventLoopGroup,
        tls: NIOSSLContext? = nil,
        serverName: String? = nil
    ) async throws -> RawHTTPConnection {
        let received = NIOLockedValueBox(Received())
        let channel = try await ClientBootstrap(group: group)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls {
                        try channel.pipeline.syncOperations.addHandler(
                            try NIOSSLClientHandler(context: tls, serverHostname: serverName)
                        )
                    }
                    try channel.pipeline.syncOperations.addHandler(ByteCollector(received: received))
                }
            }
            .connect(to: address).get()
        return RawHTTPConnection(channel: channel, received: received)
    }

    public func send(_ text: String) async throws {
        try await self.send(Array(text.utf8))
    }

    public func send(_ bytes: [UInt8]) async throws {
        try await self.channel.writeAndFlush(ByteBuffer(bytes: bytes)).get()
    }

    /// Sends `pieces` one every `interval`, paced by the connection's event loop rather than by
    /// sleeping tasks (a test run busy with other tests can hold a task back for seconds, which
    /// would stretch the gaps a timing test depends on). Returns once the last piece is written;
    /// throws if a write fails (the peer closed).
    public func sendPaced(_ pieces: [String], every interval: TimeAmount) async throws {
        let channel = self.channel
        let done = channel.eventLoop.makePromise(of: Void.self)
        let bytes = pieces.map { Array($0.utf8) }
        @Sendable func send(_ index: Int) {
            guard index < bytes.count else {
                done.succeed()
                return
            }
            channel.eventLoop.scheduleTask(in: interval) {
                channel.writeAndFlush(ByteBuffer(bytes: bytes[index])).whenComplete { result in
                    switch result {
                    case .success: send(index + 1)
                    case .failure(let error): done.fail(error)
                    }
                }
            }
        }
        send(0)
        try await done.futureResult.get()
    }

    /// Everything received so far.
    public var bytes: [UInt8] { self.received.withLockedValue { $0.bytes } }
    public var text: String { String(decoding: self.bytes, as: UTF8.self) }
    /// The peer closed the connection.
    public var isClosed: Bool { self.received.withLockedValue { $0.closed } }
    /// Whether the peer ended the connection with a reset (ECONNRESET), not a close.
    public var wasReset: Bool { self.received.withLockedValue { $0.reset } }

    /// Waits until `condition` holds for what was received, the peer closes, or `timeout` passes.
    /// Returns whether the condition held.
    @discardableResult
    public func waitFor(
        timeout: Duration = .seconds(10),
        _ condition: @Sendable ([UInt8], Bool) -> Bool
    ) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let (bytes, closed) = self.received.withLockedValue { ($0.bytes, $0.closed) }
            if condition(bytes, closed) { return true }
            if closed { return false }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return false
    }

    /// Waits for the peer to close (true) or the timeout (false).
    @discardableResult
    public func waitForClose(timeout: Duration = .seconds(10)) async -> Bool {
        await self.waitFor(timeout: timeout) { _, closed in closed }
        return self.isClosed
    }

    /// Waits until `count` complete responses (status lines) arrived, the peer closed, or timeout.
    public func waitForResponses(_ count: Int, timeout: Duration = .seconds(10)) async -> [HTTPRawResponse] {
        await self.waitFor(timeout: timeout) { bytes, _ in
            HTTPRawResponse.parseAll(bytes).count >= count
        }
        return HTTPRawResponse.parseAll(self.bytes)
    }

    public func close() async {
        try? await self.channel.close()
    }

    /// Sends `request`, waits for the peer to close or `timeout`, closes, returns what came back.
    public static func exchange(
        _ request: String,
        with address: SocketAddress,
        group: any EventLoopGroup,
        timeout: Duration = .seconds(10)
    ) async throws -> (responses: [HTTPRawResponse], raw: String, closedByPeer: Bool) {
        let connection = try await RawHTTPConnection.connect(to: address, group: group)
        try await connection.send(request)
        let closed = await connection.waitForClose(timeout: timeout)
        await connection.close()
        return (HTTPRawResponse.parseAll(connection.bytes), connection.text, closed)
    }
}

/// Collects inbound bytes of a ``RawHTTPConnection``.
final class ByteCollector: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let received: NIOLockedValueBox<RawHTTPConnection.Received>

    init(received: NIOLockedValueBox<RawHTTPConnection.Received>) {
        self.received = received
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = Self.unwrapInboundIn(data)
        self.received.withLockedValue { $0.bytes.append(contentsOf: buffer.readableBytesView) }
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.received.withLockedValue { $0.closed = true }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        if let error = error as? IOError, error.errnoCode == ECONNRESET {
            self.received.withLockedValue { $0.reset = true }
        }
        context.close(promise: nil)
    }
}
