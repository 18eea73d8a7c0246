import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL

/// A TLS connection (ALPN `h2`) that writes HTTP/2 frames as given bytes and records the frames
/// the gateway answers with: for abuse no HTTP/2 library lets its user commit.
final class RawHTTP2Connection: Sendable {
    struct Frame: Sendable {
        let kind: UInt8
        let flags: UInt8
        let stream: UInt32
        let payload: [UInt8]

        /// The error code of a GOAWAY (bytes 4–7) or RST_STREAM (bytes 0–3) frame.
        var errorCode: UInt32? {
            let offset: Int
            switch kind {
            case HTTP2FrameBytes.Kind.goAway.rawValue: offset = 4
            case HTTP2FrameBytes.Kind.rstStream.rawValue: offset = 0
            default: return nil
            }
            guard self.payload.count >= offset + 4 else { return nil }
            return self.payload[offset..<(offset + 4)].reduce(0) { $0 << 8 | UInt32($1) }
        }
    }

    let channel: any Channel
    private let inbound: NIOLockedValueBox<[UInt8]>
    private let records: InboundTLSRecords

    private init(channel: any Channel, inbound: NIOLockedValueBox<[UInt8]>, records: InboundTLSRecords) {
        self.channel = channel
        self.inbound = inbound
        self.records = records
    }

    /// TLS records of application data (content type 23) the gateway has sent so far, counted on
    /// the wire before decryption (TLS 1.3 sends its session tickets in such records too).
    var applicationDataRecords: Int { self.records.applicationData }

    /// Connects, completes the TLS handshake and sends the client preface with empty SETTINGS;
    /// `prefix` (a PROXY protocol header) goes first, before the ClientHello.
    static func connect(
        to address: SocketAddress,
        serverName: String,
        group: any EventLoopGroup,
        prefix: [UInt8] = [],
        applicationProtocol: String = "h2"
    ) async throws
        -> RawHTTP2Connection
    {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.certificateVerification = .none
        tls.applicationProtocols = [applicationProtocol]
        let context = try NIOSSLContext(configuration: tls)
        let inbound = NIOLockedValueBox<[UInt8]>([])
        let records = InboundTLSRecords()
        let channel = try await ClientBootstrap(group: group)
            .connect(to: address) { channel in
                channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    if !prefix.isEmpty { try sync.addHandler(ConnectionPrefixWriter(prefix)) }
                    try sync.addHandler(records)
                    try sync.addHandler(NIOSSLClientHandler(context: context, serverHostname: serverName))
                    try sync.addHandler(InboundBytes(inbound: inbound))
                    return channel
                }
            }
        let connection = RawHTTP2Connection(channel: channel, inbound: inbound, records: records)
        // Any other protocol (`http/1.1`) is left to the caller's raw bytes.
        if applicationProtocol == "h2" {
            try await connection.send(HTTP2FrameBytes.preface + HTTP2FrameBytes.settings())
        }
        return connection
    }

    /// Waits for the server's SETTINGS and acknowledges them: from then on its limits
    /// (concurrent streams, header list size) are in force (RFC 9113 §6.5.3).
    func acknowledgeServerSettings() async throws {
        let settings = HTTP2FrameBytes.Kind.settings.rawValue
        guard await eventually(timeout: .seconds(5), { self.frames.contains { $0.kind == settings && $0.flags == 0 } })
        else { throw ChannelError.ioOnClosedChannel }
        try await self.send(HTTP2FrameBytes.settingsAck)
    }

    func send(_ bytes: [UInt8]) async throws {
        try await self.channel.writeAndFlush(ByteBuffer(bytes: bytes))
    }

    /// Every whole frame received so far.
    var frames: [Frame] {
        let bytes = self.inbound.withLockedValue { $0 }
        var frames: [Frame] = []
        var offset = 0
        while bytes.count - offset >= 9 {
            let length = Int(bytes[offset]) << 16 | Int(bytes[offset + 1]) << 8 | Int(bytes[offset + 2])
            guard bytes.count - offset - 9 >= length else { break }
            let stream = bytes[(offset + 5)..<(offset + 9)].reduce(0) { $0 << 8 | UInt32($1) } & 0x7FFF_FFFF
            frames.append(
                Frame(
                    kind: bytes[offset + 3],
                    flags: bytes[offset + 4],
                    stream: stream,
                    payload: Array(bytes[(offset + 9)..<(offset + 9 + length)])
                )
            )
            offset += 9 + length
        }
        return frames
    }

    var goAwayCodes: [UInt32] {
        self.frames.filter { $0.kind == HTTP2FrameBytes.Kind.goAway.rawValue }.compactMap(\.errorCode)
    }

    /// Stream → error code of each RST_STREAM received.
    var resetCodes: [UInt32: UInt32] {
        var codes: [UInt32: UInt32] = [:]
        for frame in self.frames where frame.kind == HTTP2FrameBytes.Kind.rstStream.rawValue {
            codes[frame.stream] = frame.errorCode
        }
        return codes
    }

    /// Streams that got a HEADERS frame back (an answer).
    var answeredStreams: Set<UInt32> {
        Set(self.frames.filter { $0.kind == HTTP2FrameBytes.Kind.headers.rawValue }.map(\.stream))
    }

    var isClosed: Bool { !self.channel.isActive }

    func close() async {
        try? await self.channel.close()
    }
}

/// Appends every decrypted inbound byte to `inbound`.
private final class InboundBytes: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    let inbound: NIOLockedValueBox<[UInt8]>

    init(inbound: NIOLockedValueBox<[UInt8]>) {
        self.inbound = inbound
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = Self.unwrapInboundIn(data)
        self.inbound.withLockedValue { $0.append(contentsOf: buffer.readableBytesView) }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // The gateway closing abruptly after GOAWAY is expected here; the test reads the frames.
        context.close(promise: nil)
    }
}

/// Follows the TLS record headers (type, version, length) of the encrypted bytes the gateway
/// sends, in front of the TLS handler, and counts the records of application data.
private final class InboundTLSRecords: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private struct Position {
        var header: [UInt8] = []
        var bodyRemaining = 0
        var applicationData = 0
    }

    private let position = NIOLockedValueBox(Position())

    var applicationData: Int { self.position.withLockedValue { $0.applicationData } }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = Self.unwrapInboundIn(data).readableBytesView
        self.position.withLockedValue { position in
            var index = bytes.startIndex
            while index < bytes.endIndex {
                if position.bodyRemaining > 0 {
                    let take = min(position.bodyRemaining, bytes.endIndex - index)
                    position.bodyRemaining -= take
                    index += take
                    continue
                }
                position.header.append(bytes[index])
                index += 1
                if position.header.count == 5 {
                    if position.header[0] == 23 { position.applicationData += 1 }
                    position.bodyRemaining = Int(position.header[3]) << 8 | Int(position.header[4])
                    position.header.removeAll(keepingCapacity: true)
                }
            }
        }
        context.fireChannelRead(data)
    }
}
