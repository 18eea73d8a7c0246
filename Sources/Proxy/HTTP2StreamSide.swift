import NIOCore
import NIOHPACK
import NIOHTTP1
import NIOHTTP2

/// One HTTP/2 stream as the ``ClientSide`` of its ``ClientExchange``, without a channel of its
/// own: ``HTTP2Exchanges`` hands it the stream's frames and events, and it writes the stream's
/// frames on the connection's channel. The request side is ``HTTP2StreamRequestReader``'s (a
/// refusal is answered by the exchange, a stream error resets the stream), the response side
/// ``HTTP2ResponseFramer``'s.
///
/// Backpressure both ways, as a stream channel had it: request DATA the exchange cannot take yet
/// waits here and keeps its share of the stream's window (``HTTP2InboundWindow``), so the client
/// sends no more than the upstream takes; the stream counts as writable while less than a high
/// watermark of its response is written and not yet sent (held by the client's window or the
/// socket), which the write promises of its flushes tell.
final class HTTP2StreamSide: ClientSide {
    /// A stream with this much of its response not yet sent stops its exchange reading the
    /// upstream, until it is down to ``lowWatermark`` (a stream channel's defaults).
    static let highWatermark = 8196
    static let lowWatermark = 4092

    let streamID: HTTP2StreamID
    /// The send timeout (the client idle time).
    private let clientIdle: TimeAmount
    let eventLoop: any EventLoop
    let allocator: ByteBufferAllocator
    let exchange: ClientExchange
    /// The connection handler's context, until the stream is closed on the network.
    private var context: ChannelHandlerContext?
    /// The connection's handler, which flushes once per read cycle; until the stream is closed.
    private var connection: HTTP2Exchanges?
    private let metrics: ProxyMetrics
    private var request: HTTP2StreamRequestReader
    private var response = HTTP2ResponseFramer()
    private var window: HTTP2InboundWindow

    /// Request parts the exchange could not take yet, with the window each holds.
    private var heldParts = CircularBuffer<(HTTP2StreamRequestReader.Action, Int)>()
    private var handingOn = false
    /// The newest frame, written with the next one or at the flush (then with a promise, so that
    /// only the last frame of a flush carries one: frames leave in order).
    private var heldFrame: HTTP2Frame.FramePayload?
    private var lastWrite: EventLoopFuture<Void>?
    /// Response bytes written, and those known to have left (by the flushes' promises).
    private var bytesWritten = 0
    private var bytesSent = 0
    private var streamWritable = true
    private var connectionWritable: Bool
    /// The HTTP/2 handler closed the stream: nothing more is written for it.
    private var closedOnNetwork = false
    /// The exchange was told and detached.
    private(set) var isClosed = false
    private var resetSent = false
    /// The client reset the stream (RST_STREAM received).
    private var clientReset = false
    /// The HTTP/2 handler itself reset the stream for a violation of the protocol (a
    /// `content-length` its DATA contradict, …): the gateway's reset, not the client's leaving.
    private var streamError: HTTP2ErrorCode?
    /// The client ended its side of the stream (END_STREAM).
    private var clientEnded = false
    /// The client ended its side, or the gateway refused or reset the request: the stream's
    /// window is given back no more.
    private var windowClosed = false
    /// Calls of the exchange into this side in progress: a close reported meanwhile (the HTTP/2
    /// handler reports it from inside a write) waits until the exchange's call has returned.
    private(set) var writeDepth = 0

    init(
        streamID: HTTP2StreamID,
        context: ChannelHandlerContext,
        connection: HTTP2Exchanges,
        remoteAddress: SocketAddress?,
        identity: ForwardingHeaderPolicy.ClientIdentity,
        environment: ProxyEnvironment,
        limits: RequestLimits,
        targetWindow: Int
    ) {
        self.streamID = streamID
        self.context = context
        self.connection = connection
        self.eventLoop = context.eventLoop
        self.allocator = context.channel.allocator
        self.metrics = environment.metrics
        self.clientIdle = environment.configuration.timeouts.clientIdle
        self.exchange = ClientExchange(environment: environment)
        self.request = HTTP2StreamRequestReader(limits: limits)
        self.window = HTTP2InboundWindow(target: targetWindow)
        self.connectionWritable = context.channel.isWritable
        self.exchange.attach(to: self, remoteAddress: remoteAddress, decoder: nil, identity: identity)
        // A stream opened while its connection takes no more bytes hears of no change of
        // writability: its send timeout starts now, or a client that stopped reading could open
        // streams (each holding an upstream connection) that wait for it for ever.
        if !self.connectionWritable { self.exchange.clientWritabilityChanged(isWritable: false) }
    }

    // MARK: - From the connection

    func frameReceived(_ payload: HTTP2Frame.FramePayload) {
        switch payload {
        case .headers(let headers):
            if headers.endStream {
                self.clientEnded = true
                self.windowClosed = true
            }
            self.perform(self.request.headersReceived(headers.headers, endStream: headers.endStream), size: 0)
        case .data(let data):
            if data.endStream {
                self.clientEnded = true
                self.windowClosed = true
            }
            let size = data.data.readableBytes + (data.paddingBytes.map { $0 + 1 } ?? 0)
            self.window.held(size)
            guard case .byteBuffer(let buffer) = data.data else {
                self.handedOn(size)
                return
            }
            self.perform(self.request.dataReceived(buffer, endStream: data.endStream), size: size)
        case .rstStream:
            self.clientReset = true
            self.metrics.http2ClientResets.increment()
        default:
            break
        }
    }

    /// The HTTP/2 handler reported the stream's inbound window.
    func inboundWindowReported(_ size: Int) {
        if let increment = self.window.windowReported(size) { self.sendWindowUpdate(increment) }
    }

    func connectionReadComplete() {
        self.exchange.clientReadComplete()
    }

    func connectionWritabilityChanged(isWritable: Bool) {
        let before = self.isWritable
        self.connectionWritable = isWritable
        if self.isWritable != before { self.exchange.clientWritabilityChanged(isWritable: self.isWritable) }
    }

    func quiesce() {
        self.exchange.quiesce()
    }

    func drainDeadlineReached() {
        self.exchange.drainDeadlineReached()
    }

    /// The HTTP/2 handler reported the stream closed (both ends done, a reset by either side, a
    /// GOAWAY, the connection gone): from now on nothing is written for it, at once, even while
    /// its exchange is told later.
    /// `reason` is the event's: a PROTOCOL_ERROR or FLOW_CONTROL_ERROR reset that neither the
    /// client nor this side sent is the HTTP/2 handler's answer to a violation.
    func closedOnTheNetwork(reason: HTTP2ErrorCode?) {
        guard !self.closedOnNetwork else { return }
        self.closedOnNetwork = true
        if let reason, reason == .protocolError || reason == .flowControlError, !self.clientReset, !self.resetSent {
            self.streamError = reason
            self.metrics.http2GatewayResets.increment()
        }
    }

    /// Tells the exchange that its client end is gone and detaches it.
    func streamClosed() {
        guard !self.isClosed else { return }
        self.closedOnNetwork = true
        self.isClosed = true
        self.heldParts.removeAll()
        if let streamError = self.streamError {
            let name = streamError == .protocolError ? "PROTOCOL_ERROR" : "FLOW_CONTROL_ERROR"
            self.exchange.clientClosed(outcome: "rejected: HTTP/2 stream error \(name)")
        } else {
            self.exchange.clientClosed()
        }
        self.exchange.detach()
        self.context = nil
        self.connection = nil
    }

    // MARK: - Request parts

    private func perform(_ action: HTTP2StreamRequestReader.Action, size: Int) {
        switch action {
        case .ignore:
            self.handedOn(size)
        case .deliver(.head, _), .refuse:
            // A head is taken at once: a stream begins reading.
            self.handOn(action, size: size)
        case .deliver, .end:
            if self.heldParts.isEmpty, !self.handingOn, self.exchange.readRequested() {
                self.handOn(action, size: size)
            } else {
                self.heldParts.append((action, size))
            }
        case .reset:
            self.metrics.http2GatewayResets.increment()
            self.windowClosed = true
            self.heldParts.removeAll()
            self.resetSent = true
            self.writeDepth += 1
            self.writeFrame(.rstStream(.protocolError), promise: nil)
            self.flushConnection()
            self.writeDepth -= 1
        }
    }

    private func handOn(_ action: HTTP2StreamRequestReader.Action, size: Int) {
        switch action {
        case .deliver(let part, let thenEnd):
            self.exchange.requestPartDecoded(part)
            if thenEnd { self.exchange.requestPartDecoded(.end(nil)) }
        case .end(let trailers):
            self.exchange.requestPartDecoded(.end(trailers))
        case .refuse(let rejection):
            // Answered by the exchange; the rest of the request is not read.
            self.windowClosed = true
            self.exchange.clientError(rejection)
        case .ignore, .reset:
            break
        }
        self.handedOn(size)
    }

    private func handedOn(_ size: Int) {
        guard size > 0, let increment = self.window.handedOn(size) else { return }
        self.sendWindowUpdate(increment)
    }

    /// Only while the client may still send: a window given after its END_STREAM is refused by
    /// the HTTP/2 handler.
    private func sendWindowUpdate(_ increment: Int) {
        guard !self.windowClosed else { return }
        self.writeDepth += 1
        self.writeFrame(.windowUpdate(windowSizeIncrement: increment), promise: nil)
        self.flushConnection()
        self.writeDepth -= 1
    }

    // MARK: - ClientSide

    var isWritable: Bool { self.connectionWritable && self.streamWritable }

    func write(bytes: ByteBuffer) {
        // An exchange on a stream writes parts, never HTTP/1.1 bytes.
    }

    func write(streamPart: HTTP2ResponsePart) {
        self.writeDepth += 1
        self.response.add(streamPart) { self.send($0) }
        self.writeDepth -= 1
    }

    func flush() {
        self.writeDepth += 1
        self.response.releasePending { self.send($0) }
        self.releaseHeldFrame()
        self.flushConnection()
        self.writeDepth -= 1
    }

    /// The exchange may take request parts again: the held ones are handed on while it does,
    /// and what they made it write upstream leaves (as at the end of a read cycle).
    func read() {
        guard !self.handingOn, !self.heldParts.isEmpty else { return }
        self.handingOn = true
        while let (action, size) = self.heldParts.first {
            _ = self.heldParts.removeFirst()
            self.handOn(action, size: size)
            if self.isClosed || (!self.heldParts.isEmpty && !self.exchange.readRequested()) { break }
        }
        self.handingOn = false
        if !self.isClosed { self.exchange.clientReadComplete() }
    }

    /// Resets the stream unless both its ends are done: a response cut short never looks
    /// complete, and a request body not read to its end is not waited for.
    /// A stream cut short is reset (`CANCEL`) by ``close()`` already.
    func abort() {
        self.close()
    }

    func close() {
        guard !self.closedOnNetwork, !self.resetSent, self.context != nil else { return }
        self.flush()
        if self.response.responseEnded && self.clientEnded { return }
        self.resetSent = true
        self.writeDepth += 1
        // A complete response with the request unfinished: "stop sending, the answer is all
        // there" (NO_ERROR, RFC 9113 §8.1); anything else was cut short (CANCEL).
        self.writeFrame(.rstStream(self.response.responseEnded ? .noError : .cancel), promise: nil)
        self.flushConnection()
        self.writeDepth -= 1
    }

    /// The stream is reset; and when its connection took nothing either for the idle time, the
    /// whole connection is closed (``HTTP2Exchanges/streamSendTimedOut(idle:)``).
    func closeAfterSendTimeout() {
        let connection = self.connection
        self.close()
        connection?.streamSendTimedOut(idle: self.clientIdle)
    }

    func closeAfterWrites() {
        self.flush()
        guard let lastWrite = self.lastWrite else {
            self.close()
            return
        }
        lastWrite.assumeIsolated().whenComplete { _ in self.close() }
    }

    func spliceTunnel(to upstream: UpstreamConnection, early: ByteBuffer?, idleTimeout: TimeAmount) throws {
        // WebSocket stays on HTTP/1.1: a stream is never upgraded.
        throw ChannelError.operationUnsupported
    }

    // MARK: - Frames out

    private func send(_ payload: HTTP2Frame.FramePayload) {
        if case .data(let data) = payload { self.bytesWritten += data.data.readableBytes }
        if let held = self.heldFrame { self.writeFrame(held, promise: nil) }
        self.heldFrame = payload
    }

    /// Writes the held frame, the last one so far, with a promise that says the frames before it
    /// have left too.
    private func releaseHeldFrame() {
        guard let held = self.heldFrame, let context = self.context, !self.closedOnNetwork else { return }
        self.heldFrame = nil
        let promise = context.eventLoop.makePromise(of: Void.self)
        let written = self.bytesWritten
        self.lastWrite = promise.futureResult
        self.writeFrame(held, promise: promise)
        guard self.bytesWritten - self.bytesSent > 0 else { return }
        self.updateStreamWritability()
        promise.futureResult.assumeIsolated().whenComplete { [connection = self.connection] result in
            if case .success = result { connection?.writeProgressed() }
            self.bytesSent = max(self.bytesSent, written)
            self.updateStreamWritability()
        }
    }

    private func updateStreamWritability() {
        let unsent = self.bytesWritten - self.bytesSent
        let writable = self.streamWritable ? unsent < Self.highWatermark : unsent <= Self.lowWatermark
        guard writable != self.streamWritable else { return }
        let before = self.isWritable
        self.streamWritable = writable
        if self.isWritable != before, !self.isClosed {
            self.exchange.clientWritabilityChanged(isWritable: self.isWritable)
        }
    }

    private func writeFrame(_ payload: HTTP2Frame.FramePayload, promise: EventLoopPromise<Void>?) {
        guard let context = self.context, !self.closedOnNetwork else {
            promise?.fail(ChannelError.ioOnClosedChannel)
            return
        }
        context.write(NIOAny(HTTP2Frame(streamID: self.streamID, payload: payload)), promise: promise)
    }

    /// Flushes now, or once the connection's read cycle ends if it is reading.
    private func flushConnection() {
        if let connection = self.connection {
            connection.flushForStream()
        } else {
            self.context?.flush()
        }
    }
}
