import NIOConcurrencyHelpers
import NIOCore
import NIOHPACK
import NIOHTTP2
import NIOPosix
import NIOSSL

/// One stream's answer as an HTTP/2 client sees it.
struct HTTP2TestResponse: Sendable {
    var headers: [(String, String)] = []
    var body: [UInt8] = []
    var trailers: [(String, String)] = []
    /// The stream was reset (by either side): its error code.
    var resetCode: HTTP2ErrorCode?

    var status: Int? { self.headers.first { $0.0 == ":status" }.flatMap { Int($0.1) } }
    var bodyString: String { String(decoding: self.body, as: UTF8.self) }
    func value(_ name: String) -> String? { self.headers.first { $0.0 == name }?.1 }
}

/// A real HTTP/2 client over TLS (ALPN `h2`) that can also send what browsers never send: its
/// own header validation is off, so malformed requests reach the gateway as written, and it can
/// reset streams as fast as an attacker.
final class HTTP2TestClient: Sendable {
    let channel: any Channel
    private let multiplexer: NIOLoopBound<NIOHTTP2Handler.StreamMultiplexer>
    private let goAways: NIOLockedValueBox<[HTTP2ErrorCode]>

    private init(
        channel: any Channel,
        multiplexer: NIOLoopBound<NIOHTTP2Handler.StreamMultiplexer>,
        goAways: NIOLockedValueBox<[HTTP2ErrorCode]>
    ) {
        self.channel = channel
        self.multiplexer = multiplexer
        self.goAways = goAways
    }

    /// The GOAWAY frames received so far, by error code.
    var goAwayCodes: [HTTP2ErrorCode] { self.goAways.withLockedValue { $0 } }

    static func connect(
        to address: SocketAddress,
        serverName: String,
        group: any EventLoopGroup
    ) async throws
        -> HTTP2TestClient
    {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.certificateVerification = .none
        tls.applicationProtocols = ["h2"]
        let context = try NIOSSLContext(configuration: tls)
        let goAways = NIOLockedValueBox<[HTTP2ErrorCode]>([])
        let (channel, multiplexer) = try await ClientBootstrap(group: group)
            .connect(to: address) { channel in
                channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    try sync.addHandler(NIOSSLClientHandler(context: context, serverHostname: serverName))
                    var connection = NIOHTTP2Handler.ConnectionConfiguration()
                    connection.headerBlockValidation = .disabled
                    connection.contentLengthValidation = .disabled
                    let multiplexer = try sync.configureHTTP2Pipeline(
                        mode: .client,
                        connectionConfiguration: connection,
                        streamConfiguration: .init()
                    ) { $0.eventLoop.makeSucceededVoidFuture() }
                    try sync.addHandler(GoAwayRecorder(goAways: goAways))
                    return (channel, NIOLoopBound(multiplexer, eventLoop: channel.eventLoop))
                }
            }
        return HTTP2TestClient(channel: channel, multiplexer: multiplexer, goAways: goAways)
    }

    /// Sends one request (HEADERS, then each DATA; the last frame ends the stream unless
    /// `endStream` is false) and waits for the stream to close.
    func request(
        _ headers: [(String, String)],
        body: [String] = [],
        trailers: [(String, String)]? = nil,
        endStream: Bool = true
    ) async throws -> HTTP2TestResponse {
        let recorder = NIOLockedValueBox(HTTP2TestResponse())
        let stream = try await self.openStream(recorder: recorder)
        try await stream.eventLoop.flatSubmit { () -> EventLoopFuture<Void> in
            let headersEnd = body.isEmpty && trailers == nil && endStream
            stream.write(
                HTTP2Frame.FramePayload.headers(.init(headers: HPACKHeaders(headers), endStream: headersEnd)),
                promise: nil
            )
            for (index, chunk) in body.enumerated() {
                let last = index == body.count - 1 && trailers == nil && endStream
                let data = HTTP2Frame.FramePayload.Data(data: .byteBuffer(ByteBuffer(string: chunk)), endStream: last)
                stream.write(HTTP2Frame.FramePayload.data(data), promise: nil)
            }
            if let trailers {
                stream.write(
                    HTTP2Frame.FramePayload.headers(.init(headers: HPACKHeaders(trailers), endStream: true)),
                    promise: nil
                )
            }
            stream.flush()
            return stream.eventLoop.makeSucceededVoidFuture()
        }.get()
        try await stream.closeFuture.get()
        return recorder.withLockedValue { $0 }
    }

    /// Opens `count` streams, each HEADERS then RST_STREAM at once (the rapid-reset attack),
    /// without waiting for any answer.
    func openAndReset(count: Int, headers: [(String, String)]) async throws {
        for _ in 0..<count {
            guard self.channel.isActive else { return }
            let recorder = NIOLockedValueBox(HTTP2TestResponse())
            guard let stream = try? await self.openStream(recorder: recorder) else { return }
            stream.write(HTTP2Frame.FramePayload.headers(.init(headers: HPACKHeaders(headers))), promise: nil)
            stream.writeAndFlush(HTTP2Frame.FramePayload.rstStream(.cancel), promise: nil)
        }
    }

    /// Sends a bodyless request's HEADERS and returns its stream without waiting for the answer.
    func startRequest(_ headers: [(String, String)]) async throws -> any Channel {
        let recorder = NIOLockedValueBox(HTTP2TestResponse())
        let stream = try await self.openStream(recorder: recorder)
        try await stream.writeAndFlush(
            HTTP2Frame.FramePayload.headers(.init(headers: HPACKHeaders(headers), endStream: true))
        )
        return stream
    }

    /// Sends a bodyless request's HEADERS on a stream that reads nothing until `read()` is called
    /// on it: its flow-control window is never reopened, as by a client that stopped reading.
    func startUnreadRequest(_ headers: [(String, String)]) async throws -> any Channel {
        let multiplexer = self.multiplexer
        let stream = try await self.channel.eventLoop.flatSubmit {
            multiplexer.value.createStreamChannel { stream in
                stream.eventLoop.makeCompletedFuture {
                    try stream.syncOptions?.setOption(ChannelOptions.autoRead, value: false)
                }
            }
        }.get()
        try await stream.writeAndFlush(
            HTTP2Frame.FramePayload.headers(.init(headers: HPACKHeaders(headers), endStream: true))
        )
        return stream
    }

    /// Resets `stream` (RST_STREAM CANCEL).
    func reset(_ stream: any Channel) async throws {
        try await stream.writeAndFlush(HTTP2Frame.FramePayload.rstStream(.cancel))
    }

    func close() async {
        try? await self.channel.close()
    }

    private func openStream(recorder: NIOLockedValueBox<HTTP2TestResponse>) async throws -> any Channel {
        let multiplexer = self.multiplexer
        return try await self.channel.eventLoop.flatSubmit {
            multiplexer.value.createStreamChannel { stream in
                stream.eventLoop.makeCompletedFuture {
                    try stream.pipeline.syncOperations.addHandler(StreamRecorder(recorder: recorder))
                }
            }
        }.get()
    }
}

/// Records what one client stream receives.
private final class StreamRecorder: ChannelInboundHandler {
    typealias InboundIn = HTTP2Frame.FramePayload

    let recorder: NIOLockedValueBox<HTTP2TestResponse>
    private var headBlocks = 0

    init(recorder: NIOLockedValueBox<HTTP2TestResponse>) {
        self.recorder = recorder
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch Self.unwrapInboundIn(data) {
        case .headers(let headers):
            let fields = headers.headers.map { ($0.name, $0.value) }
            self.recorder.withLockedValue {
                // A final head replaces interim (1xx) ones; a block after it is the trailers.
                if $0.headers.isEmpty || ($0.status ?? 0) < 200 {
                    $0.headers = fields
                } else {
                    $0.trailers = fields
                }
            }
        case .data(let data):
            if case .byteBuffer(let buffer) = data.data {
                self.recorder.withLockedValue { $0.body += Array(buffer.readableBytesView) }
            }
        case .rstStream(let code):
            self.recorder.withLockedValue { $0.resetCode = code }
        default:
            break
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let closed = event as? StreamClosedEvent, let reason = closed.reason {
            self.recorder.withLockedValue { $0.resetCode = $0.resetCode ?? reason }
        }
        context.fireUserInboundEventTriggered(event)
    }
}

/// Records the GOAWAY frames of a client connection (frames of stream 0 reach the pipeline).
private final class GoAwayRecorder: ChannelInboundHandler {
    typealias InboundIn = HTTP2Frame

    let goAways: NIOLockedValueBox<[HTTP2ErrorCode]>

    init(goAways: NIOLockedValueBox<[HTTP2ErrorCode]>) {
        self.goAways = goAways
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .goAway(_, let code, _) = Self.unwrapInboundIn(data).payload {
            self.goAways.withLockedValue { $0.append(code) }
        }
    }
}
