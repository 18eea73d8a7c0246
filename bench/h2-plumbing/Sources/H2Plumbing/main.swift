// A fixed 1 KiB answer over TLS, served three ways, so that a benchmark can tell what SwiftNIO's
// plumbing costs per request apart from what a proxy adds:
//   h1         HTTP/1.1 (NIOHTTP1's server pipeline), one handler answering each request;
//   h1-plain   the same without TLS;
//   tcp-proxy  no HTTP at all: every connection joined to a connection of its own to the upstream
//              (argument 6, a port on 127.0.0.1), bytes passed both ways as they come (the least
//              any SwiftNIO proxy does per request: a read and a write on each side);
//   head-proxy plain HTTP/1.1 through a proxy that does a gateway's work per request on the bytes
//              read, never building a string but the host's (HeadProxy.swift): what the byte-native
//              exchange proposed in docs/BENCHMARKS.md would cost;
//   h2-mux     HTTP/2 with swift-nio-http2's multiplexer: a child channel and its pipeline per
//              stream, as the gateway runs HTTP/2 today;
//   h2-frames  HTTP/2 handled frame by frame on the connection channel: no child channel, the
//              stream ID says which request a frame belongs to.
// Usage: H2Plumbing MODE PORT CERT.pem KEY.pem [THREADS [UPSTREAM-PORT]]
import Foundation
import NIOCore
import NIOHPACK
import NIOHTTP1
import NIOHTTP2
import NIOPosix
import NIOSSL

let arguments = CommandLine.arguments
guard arguments.count >= 5, let port = Int(arguments[2]) else {
    FileHandle.standardError.write(
        Data("usage: H2Plumbing h1|h1-plain|h2-mux|h2-frames PORT CERT KEY [THREADS]\n".utf8)
    )
    exit(64)
}
let mode = arguments[1]
let threads = arguments.count > 5 ? Int(arguments[5]) ?? 2 : 2
let upstreamPort = arguments.count > 6 ? Int(arguments[6]) ?? 0 : 0
let body: ByteBuffer = ByteBuffer(repeating: UInt8(ascii: "x"), count: 1024)

var tls = TLSConfiguration.makeServerConfiguration(
    certificateChain: try NIOSSLCertificate.fromPEMFile(arguments[3]).map { .certificate($0) },
    privateKey: .privateKey(try NIOSSLPrivateKey(file: arguments[4], format: .pem))
)
tls.minimumTLSVersion = .tlsv12
tls.applicationProtocols = mode.hasPrefix("h1") ? ["http/1.1"] : ["h2"]
let sslContext = try NIOSSLContext(configuration: tls)

/// HTTP/1.1: answers every request once its end arrives.
final class HTTP1Answer: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart
    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .end = Self.unwrapInboundIn(data) else { return }
        let head = HTTPResponseHead(
            version: .http1_1,
            status: .ok,
            headers: ["content-type": "application/octet-stream", "content-length": "1024"]
        )
        context.write(Self.wrapOutboundOut(.head(head)), promise: nil)
        context.write(Self.wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        context.write(Self.wrapOutboundOut(.end(nil)), promise: nil)
    }
    func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
    }
}

let responseHeaders: HPACKHeaders = [
    ":status": "200", "content-type": "application/octet-stream", "content-length": "1024",
]

/// HTTP/2, in a stream's child channel: answers the request once its headers end it.
final class StreamAnswer: ChannelInboundHandler {
    typealias InboundIn = HTTP2Frame.FramePayload
    typealias OutboundOut = HTTP2Frame.FramePayload
    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch Self.unwrapInboundIn(data) {
        case .headers(let headers) where headers.endStream:
            self.answer(context)
        case .data(let data) where data.endStream:
            self.answer(context)
        default:
            break
        }
    }
    private func answer(_ context: ChannelHandlerContext) {
        context.write(Self.wrapOutboundOut(.headers(.init(headers: responseHeaders))), promise: nil)
        context.writeAndFlush(
            Self.wrapOutboundOut(.data(.init(data: .byteBuffer(body), endStream: true))),
            promise: nil
        )
    }
}

/// HTTP/2 on the connection channel: a request's frames are told apart by their stream ID.
final class FrameAnswer: ChannelInboundHandler {
    typealias InboundIn = HTTP2Frame
    typealias OutboundOut = HTTP2Frame
    private var pending = false
    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = Self.unwrapInboundIn(data)
        let ended: Bool
        switch frame.payload {
        case .headers(let headers): ended = headers.endStream
        case .data(let data): ended = data.endStream
        default: ended = false
        }
        guard ended else { return }
        context.write(
            Self.wrapOutboundOut(
                HTTP2Frame(streamID: frame.streamID, payload: .headers(.init(headers: responseHeaders)))
            ),
            promise: nil
        )
        context.write(
            Self.wrapOutboundOut(
                HTTP2Frame(streamID: frame.streamID, payload: .data(.init(data: .byteBuffer(body), endStream: true)))
            ),
            promise: nil
        )
        self.pending = true
    }
    func channelReadComplete(context: ChannelHandlerContext) {
        if self.pending {
            self.pending = false
            context.flush()
        }
        context.fireChannelReadComplete()
    }
}

/// One TLS record per flush (as the gateway's `TLSRecordCoalescer`), for both HTTP/2 modes.
final class Coalescer: ChannelOutboundHandler {
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    private var gathered: ByteBuffer?
    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        var buffer = Self.unwrapOutboundIn(data)
        if var gathered = self.gathered {
            self.gathered = nil
            gathered.writeBuffer(&buffer)
            self.gathered = gathered
        } else {
            self.gathered = buffer
        }
        // A measuring aid: nothing waits on these promises, so they complete at once.
        promise?.succeed()
    }
    func flush(context: ChannelHandlerContext) {
        if let gathered = self.gathered {
            self.gathered = nil
            context.write(Self.wrapOutboundOut(gathered), promise: nil)
        }
        context.flush()
    }
}

let connection: NIOHTTP2Handler.ConnectionConfiguration = {
    var connection = NIOHTTP2Handler.ConnectionConfiguration()
    connection.initialSettings = [
        HTTP2Setting(parameter: .maxConcurrentStreams, value: 100),
        HTTP2Setting(parameter: .maxFrameSize, value: 1 << 14),
        HTTP2Setting(parameter: .initialWindowSize, value: 65_535),
    ]
    connection.headerBlockValidation = .disabled
    return connection
}()

/// Passes bytes to its partner, reading only while the partner can take them (swift-nio-examples'
/// connect-proxy).
final class Glue: ChannelDuplexHandler {
    typealias InboundIn = NIOAny
    typealias OutboundIn = NIOAny
    typealias OutboundOut = NIOAny
    var partner: Glue?
    private var context: ChannelHandlerContext?
    private var pendingRead = false
    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        self.partner = nil
    }
    func channelRead(context: ChannelHandlerContext, data: NIOAny) { self.partner?.context?.write(data, promise: nil) }
    func channelReadComplete(context: ChannelHandlerContext) { self.partner?.context?.flush() }
    func channelInactive(context: ChannelHandlerContext) { self.partner?.context?.close(promise: nil) }
    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { self.partner?.readIfPending() }
    }
    func errorCaught(context: ChannelHandlerContext, error: any Error) { context.close(promise: nil) }
    func read(context: ChannelHandlerContext) {
        if self.partner?.context?.channel.isWritable ?? false {
            context.read()
        } else {
            self.pendingRead = true
        }
    }
    private func readIfPending() {
        if self.pendingRead {
            self.pendingRead = false
            self.context?.read()
        }
    }
}

/// Opens the client connection's own upstream connection (to argument 6, on 127.0.0.1) on its
/// event loop with `handler` in its pipeline; `joined` runs once it is up, else the client is closed.
func connectUpstream(of channel: any Channel, handler: any ChannelHandler, joined: @escaping () -> Void) {
    ClientBootstrap(group: channel.eventLoop)
        .channelOption(.tcpOption(.tcp_nodelay), value: 1)
        .channelInitializer { upstreamChannel in
            upstreamChannel.eventLoop.makeCompletedFuture {
                try upstreamChannel.pipeline.syncOperations.addHandler(handler)
            }
        }
        .connect(host: "127.0.0.1", port: upstreamPort)
        .whenComplete { result in
            switch result {
            case .success: joined()
            case .failure: channel.close(promise: nil)
            }
        }
}

let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
let bootstrap = ServerBootstrap(group: group)
    .serverChannelOption(.backlog, value: 1024)
    .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
    .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
    .childChannelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
            let sync = channel.pipeline.syncOperations
            if mode != "h1-plain" && mode != "tcp-proxy" && mode != "head-proxy" {
                try sync.addHandler(NIOSSLServerHandler(context: sslContext))
            }
            switch mode {
            case "tcp-proxy":
                // Reads wait for the upstream connection: the glue's read() asks its partner.
                let (client, upstream) = (Glue(), Glue())
                try sync.addHandler(client)
                connectUpstream(of: channel, handler: upstream) {
                    client.partner = upstream
                    upstream.partner = client
                    channel.read()
                }
            case "head-proxy":
                let (client, upstream) = (HeadProxyClient(), HeadProxyUpstream())
                try sync.addHandler(client)
                connectUpstream(of: channel, handler: upstream) {
                    upstream.client = client
                    client.upstream = upstream
                }
            case "h1", "h1-plain":
                try sync.configureHTTPServerPipeline()
                try sync.addHandler(HTTP1Answer())
            case "h2-mux":
                try sync.addHandler(Coalescer())
                _ = try sync.configureHTTP2Pipeline(
                    mode: .server,
                    connectionConfiguration: connection,
                    streamConfiguration: .init()
                ) {
                    stream in
                    stream.eventLoop.makeCompletedFuture {
                        try stream.pipeline.syncOperations.addHandler(StreamAnswer())
                    }
                }
            default:
                try sync.addHandler(Coalescer())
                try sync.addHandler(
                    NIOHTTP2Handler(mode: .server, connectionConfiguration: connection, streamConfiguration: .init())
                )
                try sync.addHandler(FrameAnswer())
            }
        }
    }
let server = try bootstrap.bind(host: "127.0.0.1", port: port).wait()
print("listening \(mode) on \(port)")
try server.closeFuture.wait()
