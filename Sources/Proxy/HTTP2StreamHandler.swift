import NIOCore
import NIOHPACK
import NIOHTTP1
import NIOHTTP2

/// One HTTP/2 stream seen as one HTTP/1.1 exchange, so the stream gets exactly the rules of an
/// HTTP/1.1 request: the same ``ClientConnectionHandler`` behind it decides, forwards over the
/// pooled HTTP/1.1 upstream connections, answers locally and logs.
///
/// This handler is the channel shell of two values: inbound, ``HTTP2StreamRequestReader`` turns
/// frames into request parts (a refusal reaches the handler behind as a ``RequestRejection``,
/// answered 400 without forwarding a byte; DATA that contradicts `content-length` resets the
/// stream, so nothing more is forwarded and the upstream connection holding the partial request
/// is closed); outbound, ``HTTP2ResponseFramer`` turns the ``HTTP2ResponsePart``s the handler
/// behind writes into HEADERS, DATA and trailers. A stream closed before its response ended is
/// reset (by the HTTP/2 layer): a response cut short never looks complete. Backpressure is the
/// stream channel's: its writability follows the stream's flow-control window and its reads
/// open the window.
final class HTTP2StreamHandler: ChannelDuplexHandler {
    typealias InboundIn = HTTP2Frame.FramePayload
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTP2ResponsePart
    typealias OutboundOut = HTTP2Frame.FramePayload

    private var request: HTTP2StreamRequestReader
    private var response = HTTP2ResponseFramer()
    /// The last frame written, so a write of no frame (the handler's "everything written so far
    /// has left" marker) completes when the frames before it have.
    private var lastWrite: EventLoopFuture<Void>?
    /// The newest frame, held until the flush (or a write with a promise) so that only the last
    /// frame carries a promise: frames leave in order, so its completion says that every frame
    /// before it has left too (one promise per response instead of one per frame).
    private var heldFrame: HTTP2Frame.FramePayload?
    private let metrics: ProxyMetrics

    /// `limits` are the gateway's configured head limits (field count → 431, target length →
    /// 414), the same an HTTP/1.1 head gets, not the defaults.
    init(limits: RequestLimits, metrics: ProxyMetrics) {
        self.request = HTTP2StreamRequestReader(limits: limits)
        self.metrics = metrics
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.metrics.http2Streams.increment()
    }

    // MARK: - Request

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch Self.unwrapInboundIn(data) {
        case .headers(let headers):
            self.headersReceived(context: context, headers.headers, endStream: headers.endStream)
        case .data(let data):
            guard case .byteBuffer(let buffer) = data.data else { return }
            self.dataReceived(context: context, buffer, endStream: data.endStream)
        case .rstStream:
            self.metrics.http2ClientResets.increment()
        default:
            break
        }
    }

    private func headersReceived(context: ChannelHandlerContext, _ headers: HPACKHeaders, endStream: Bool) {
        self.perform(self.request.headersReceived(headers, endStream: endStream), context: context)
    }

    private func dataReceived(context: ChannelHandlerContext, _ buffer: ByteBuffer, endStream: Bool) {
        self.perform(self.request.dataReceived(buffer, endStream: endStream), context: context)
    }

    private func perform(_ action: HTTP2StreamRequestReader.Action, context: ChannelHandlerContext) {
        switch action {
        case .ignore:
            break
        case .deliver(let part, let thenEnd):
            context.fireChannelRead(Self.wrapInboundOut(part))
            if thenEnd { context.fireChannelRead(Self.wrapInboundOut(.end(nil))) }
        case .end(let trailers):
            context.fireChannelRead(Self.wrapInboundOut(.end(trailers)))
        case .refuse(let rejection):
            context.fireErrorCaught(rejection)
        case .reset(let reason):
            self.reset(context: context, reason: reason)
        }
    }

    /// A stream error (RFC 9113 §5.4.2): nothing more of the request goes anywhere.
    private func reset(context: ChannelHandlerContext, reason: String) {
        self.metrics.http2GatewayResets.increment()
        context.writeAndFlush(Self.wrapOutboundOut(.rstStream(.protocolError)), promise: nil)
        context.close(promise: nil)
    }

    // MARK: - Response

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        self.response.add(Self.unwrapOutboundIn(data)) { self.send(context: context, $0) }
        // A part with a promise leaves now; without one it waits for the flush, so that a head,
        // its body and the end become as few frames as possible (a small response: HEADERS and
        // one DATA that ends the stream).
        guard let promise else { return }
        self.response.releasePending { self.send(context: context, $0) }
        self.releaseHeldFrame(context: context)
        self.completeAfterEarlierWrites(promise)
    }

    func flush(context: ChannelHandlerContext) {
        self.response.releasePending { self.send(context: context, $0) }
        self.releaseHeldFrame(context: context)
        context.flush()
    }

    private func send(context: ChannelHandlerContext, _ payload: HTTP2Frame.FramePayload) {
        if let held = self.heldFrame {
            context.write(Self.wrapOutboundOut(held), promise: nil)
        }
        self.heldFrame = payload
    }

    /// Writes the held frame, the last one so far, with the promise later writes wait on.
    private func releaseHeldFrame(context: ChannelHandlerContext) {
        guard let held = self.heldFrame else { return }
        self.heldFrame = nil
        let promise = context.eventLoop.makePromise(of: Void.self)
        self.lastWrite = promise.futureResult
        context.write(Self.wrapOutboundOut(held), promise: promise)
    }

    private func completeAfterEarlierWrites(_ promise: EventLoopPromise<Void>?) {
        guard let promise else { return }
        if let lastWrite = self.lastWrite {
            lastWrite.cascade(to: promise)
        } else {
            promise.succeed()
        }
    }
}
