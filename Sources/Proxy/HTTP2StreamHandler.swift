import NIOCore
import NIOHPACK
import NIOHTTP1
import NIOHTTP2

/// One HTTP/2 stream seen as one HTTP/1.1 exchange, so the stream gets exactly the rules of an
/// HTTP/1.1 request: the same ``ClientConnectionHandler`` behind it decides, forwards over the
/// pooled HTTP/1.1 upstream connections, answers locally and logs.
///
/// Inbound, frames become request parts (``HTTP2RequestTranslator`` refuses what HTTP/1.1 could
/// read differently: the refusal reaches the handler behind as a ``RequestRejection``, which
/// answers 400 without forwarding a byte); DATA that contradicts `content-length` resets the
/// stream, so nothing more is forwarded and the upstream connection holding the partial
/// request is closed. Outbound, the handler behind writes the response as ``HTTP2ResponsePart``s,
/// which become HEADERS, DATA and trailers. A stream closed before its response ended is reset
/// (by the HTTP/2 layer): a response cut short never looks complete. Backpressure is the
/// stream channel's: its writability follows the stream's flow-control window and its reads
/// open the window.
final class HTTP2StreamHandler: ChannelDuplexHandler {
    typealias InboundIn = HTTP2Frame.FramePayload
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTP2ResponsePart
    typealias OutboundOut = HTTP2Frame.FramePayload

    private enum RequestState {
        case awaitingHead
        case body(declaredLength: UInt64?, received: UInt64)
        case ended
        case refused
    }

    /// The gateway's configured head limits (field count → 431, target length → 414), the same
    /// an HTTP/1.1 head gets, not the defaults.
    private let limits: RequestLimits
    private var request = RequestState.awaitingHead
    /// The final response's head, written with the first part after it (a bodyless response
    /// then leaves as one HEADERS frame that ends the stream).
    private var pendingHead: HPACKHeaders?
    /// The last body slice, written with the next part (the last one then carries END_STREAM).
    private var pendingData: ByteBuffer?
    /// The last frame written, so a write of no frame (the handler's "everything written so far
    /// has left" marker) completes when the frames before it have.
    private var lastWrite: EventLoopFuture<Void>?
    /// The newest frame, held until the flush (or a write with a promise) so that only the last
    /// frame carries a promise: frames leave in order, so its completion says that every frame
    /// before it has left too (one promise per response instead of one per frame).
    private var heldFrame: HTTP2Frame.FramePayload?
    private var responseEnded = false
    private let metrics: ProxyMetrics

    init(limits: RequestLimits, metrics: ProxyMetrics) {
        self.limits = limits
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
        switch self.request {
        case .awaitingHead:
            switch HTTP2RequestTranslator.requestHead(headers, endStream: endStream, limits: self.limits) {
            case .success(let head):
                let declared = head.headers.first(name: "content-length").flatMap { UInt64($0) }
                self.request = endStream ? .ended : .body(declaredLength: declared, received: 0)
                context.fireChannelRead(Self.wrapInboundOut(.head(head)))
                if endStream { context.fireChannelRead(Self.wrapInboundOut(.end(nil))) }
            case .failure(let rejection):
                self.request = .refused
                context.fireErrorCaught(rejection)
            }
        case .body(let declared, let received):
            // Trailers: they must end the stream and the body must have its declared length.
            guard endStream, declared == nil || declared == received else {
                self.reset(context: context, reason: "trailers without END_STREAM or short body")
                return
            }
            switch HTTP2RequestTranslator.trailers(headers) {
            case .success(let trailers):
                self.request = .ended
                context.fireChannelRead(Self.wrapInboundOut(.end(trailers.isEmpty ? nil : trailers)))
            case .failure:
                self.reset(context: context, reason: "invalid trailers")
            }
        case .ended, .refused:
            break
        }
    }

    private func dataReceived(context: ChannelHandlerContext, _ buffer: ByteBuffer, endStream: Bool) {
        guard case .body(let declared, let received) = self.request else { return }
        let total = received + UInt64(buffer.readableBytes)
        if let declared, total > declared || (endStream && total != declared) {
            self.reset(context: context, reason: "DATA contradicts content-length")
            return
        }
        self.request = endStream ? .ended : .body(declaredLength: declared, received: total)
        if buffer.readableBytes > 0 { context.fireChannelRead(Self.wrapInboundOut(.body(buffer))) }
        if endStream { context.fireChannelRead(Self.wrapInboundOut(.end(nil))) }
    }

    /// A stream error (RFC 9113 §5.4.2): nothing more of the request goes anywhere.
    private func reset(context: ChannelHandlerContext, reason: String) {
        self.request = .refused
        self.metrics.http2GatewayResets.increment()
        context.writeAndFlush(Self.wrapOutboundOut(.rstStream(.protocolError)), promise: nil)
        context.close(promise: nil)
    }

    // MARK: - Response

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if !self.responseEnded {
            switch Self.unwrapOutboundIn(data) {
            case .head(let headers, let informational):
                if informational {
                    self.writePending(context: context)
                    self.send(context: context, .headers(.init(headers: headers)))
                } else {
                    self.pendingHead = headers
                }
            case .body(let slice):
                if slice.readableBytes > 0 {
                    self.writePending(context: context)
                    self.pendingData = slice
                }
            case .end(let trailers):
                self.end(context: context, trailers: trailers)
            case .marker:
                break
            }
        }
        // A part with a promise leaves now; without one it waits for the flush, so that a head,
        // its body and the end become as few frames as possible (a small response: HEADERS and
        // one DATA that ends the stream).
        guard let promise else { return }
        self.writePending(context: context)
        self.releaseHeldFrame(context: context)
        self.completeAfterEarlierWrites(promise)
    }

    func flush(context: ChannelHandlerContext) {
        self.writePending(context: context)
        self.releaseHeldFrame(context: context)
        context.flush()
    }

    private func end(context: ChannelHandlerContext, trailers: HPACKHeaders?) {
        self.responseEnded = true
        if let trailers {
            self.writePending(context: context)
            self.send(context: context, .headers(.init(headers: trailers, endStream: true)))
        } else if let data = self.pendingData {
            self.pendingData = nil
            if let head = self.pendingHead {
                self.pendingHead = nil
                self.send(context: context, .headers(.init(headers: head)))
            }
            self.send(context: context, .data(.init(data: .byteBuffer(data), endStream: true)))
        } else if let head = self.pendingHead {
            self.pendingHead = nil
            self.send(context: context, .headers(.init(headers: head, endStream: true)))
        } else {
            self.send(context: context, .data(.init(data: .byteBuffer(ByteBuffer()), endStream: true)))
        }
    }

    /// Writes the held head and body slice without ending the stream (more follows).
    private func writePending(context: ChannelHandlerContext) {
        if let head = self.pendingHead {
            self.pendingHead = nil
            self.send(context: context, .headers(.init(headers: head)))
        }
        if let data = self.pendingData {
            self.pendingData = nil
            self.send(context: context, .data(.init(data: .byteBuffer(data))))
        }
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
