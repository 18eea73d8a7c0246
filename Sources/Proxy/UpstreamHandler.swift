import NIOCore
import NIOHTTP1

/// The only handler of an upstream connection: writes the requests the client side forwards
/// (heads already as bytes, bodies framed here), parses what the upstream sends back
/// (``UpstreamResponseParser``), hands the parts to the client connection that leased it and
/// reads only while that client can take more (backpressure). It also keeps the response deadline
/// of the request it carries — for the response head, then between two reads of the body (nginx's
/// `proxy_read_timeout`): the timer lives as long as the pooled connection, so arming it per
/// request schedules nothing (a stream of HTTP/2 lives for one request, and a timer of its own was
/// a task scheduled and cancelled per request).
final class UpstreamHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = Never
    typealias OutboundOut = ByteBuffer

    /// The client side that leased the connection. A change of lease stops the response clock.
    /// Held strongly (a weak reference would put every retain and release of the exchange on the
    /// runtime's slower side-table path): the pool clears it when the connection comes back, and
    /// this handler when the connection closes or it leaves the pipeline.
    var delegate: (any UpstreamResponseDelegate)? {
        didSet { self.disarmResponseDeadline() }
    }
    private var responseTimer: DeadlineTimer?
    private var responseTimeout = TimeAmount.zero
    /// The response head was relayed: the deadline counts between two reads of the body, and
    /// stops while reads are held for the client (whose own send timeout then runs).
    private var timingBodyReads = false
    private var context: ChannelHandlerContext?
    private var readAllowed = true
    private var readPending = false
    private var parser = UpstreamResponseParser()
    /// Bytes that came after an accepted `101` in the same read: the tunnel's first bytes,
    /// passed on when this handler leaves the pipeline.
    private var tunnelBytes: ByteBuffer?
    /// The upstream sent bytes no request asked for: the connection is never reused.
    private var outOfSync = false
    /// The request being written has a chunked body.
    private var requestChunked = false

    /// Whether the connection may serve another request: the last response ended exactly where
    /// its bytes did.
    var isReusable: Bool { !self.outOfSync && self.parser.isIdle }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        // The closure holds this handler until `handlerRemoved` cancels the timer.
        self.responseTimer = DeadlineTimer(eventLoop: context.eventLoop) {
            self.delegate?.upstreamResponseTimedOut()
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        self.responseTimer?.cancel()
        self.responseTimer = nil
        self.delegate = nil
    }

    /// Starts (or moves) the deadline by which the response head must arrive; when it passes, the
    /// delegate hears ``UpstreamResponseDelegate/upstreamResponseTimedOut()``. Request body
    /// bytes written meanwhile move it again (``writeBody(_:)``).
    func armResponseHeadDeadline(in timeout: TimeAmount) {
        self.responseTimeout = timeout
        self.timingBodyReads = false
        self.responseTimer?.arm(in: timeout)
    }

    /// The response head was relayed: from now on the same time may pass between two reads of
    /// its body, counted only while reads are allowed.
    func timeBodyReads() {
        self.timingBodyReads = true
        if self.readAllowed {
            self.responseTimer?.arm(in: self.responseTimeout)
        } else {
            self.responseTimer?.disarm()
        }
    }

    /// The exchange no longer waits for the upstream.
    func disarmResponseDeadline() {
        self.timingBodyReads = false
        self.responseTimer?.disarm()
    }

    func removeHandler(context: ChannelHandlerContext, removalToken: ChannelHandlerContext.RemovalToken) {
        if let bytes = self.tunnelBytes {
            self.tunnelBytes = nil
            context.fireChannelRead(Self.wrapInboundOut(bytes))
        }
        context.leavePipeline(removalToken: removalToken)
    }

    /// Allows or holds reads from the upstream (the client side is not writable).
    func setReadAllowed(_ allowed: Bool) {
        self.readAllowed = allowed
        if self.timingBodyReads {
            if allowed {
                self.responseTimer?.arm(in: self.responseTimeout)
            } else {
                self.responseTimer?.disarm()
            }
        }
        if allowed, self.readPending, let context {
            self.readPending = false
            context.read()
        }
    }

    /// Writes a request head (its bytes, from
    /// ``ForwardingHeaderPolicy/writeUpstreamRequestHead(_:framing:client:isTLS:webSocket:into:)``).
    func writeHead(_ bytes: ByteBuffer, isHEAD: Bool, chunked: Bool, promise: EventLoopPromise<Void>?) {
        guard let context else {
            promise?.fail(ChannelError.ioOnClosedChannel)
            return
        }
        self.parser.requestSent(isHEAD: isHEAD)
        self.requestChunked = chunked
        context.write(Self.wrapOutboundOut(bytes), promise: promise)
    }

    /// Writes request body bytes in the request's framing. While the upstream takes a body, it is
    /// not late with its answer: the response-head deadline counts from the last body bytes
    /// written (as nginx's `proxy_read_timeout` starts once the request is sent), so an upload
    /// longer than the deadline is not cut off with a 504; an upstream that stops reading stops
    /// the writes (the client is read only while this channel is writable) and the deadline passes.
    func writeBody(_ buffer: ByteBuffer) {
        guard let context else { return }
        if let timer = self.responseTimer, timer.isArmed { timer.arm(in: self.responseTimeout) }
        if !self.requestChunked {
            context.write(Self.wrapOutboundOut(buffer), promise: nil)
            return
        }
        WireEncoding.writeChunk(buffer, allocator: context.channel.allocator) {
            context.write(Self.wrapOutboundOut($0), promise: nil)
        }
    }

    /// Ends the request body (a chunked one with its last chunk and trailers).
    func writeEnd(trailers: HTTPHeaders?) {
        guard let context, self.requestChunked else { return }
        var out = context.channel.allocator.buffer(capacity: 64)
        WireEncoding.writeLastChunk(trailers: trailers, into: &out)
        context.write(Self.wrapOutboundOut(out), promise: nil)
    }

    func flush() {
        self.context?.flush()
    }

    func read(context: ChannelHandlerContext) {
        if self.readAllowed || self.delegate == nil {
            context.read()
        } else {
            self.readPending = true
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = Self.unwrapInboundIn(data)
        if self.timingBodyReads, let timer = self.responseTimer, timer.isArmed {
            timer.arm(in: self.responseTimeout)
        }
        if self.parser.isUpgraded {
            self.holdTunnelBytes(&buffer)
            return
        }
        guard self.delegate != nil, self.parser.isExpectingResponse else {
            // Data on an idle pooled connection: it is out of sync, never reuse it.
            self.outOfSync = true
            context.close(promise: nil)
            return
        }
        while let delegate = self.delegate {
            let part: UpstreamResponseParser.Part?
            do {
                part = try self.parser.next(&buffer)
            } catch {
                self.fail(error, context: context)
                return
            }
            guard let part else { break }
            if case .end = part, buffer.readableBytes > 0 {
                if self.parser.isUpgraded {
                    // The tunnel's first bytes: held before the delivery, which removes this
                    // handler (they are passed on as it leaves the pipeline).
                    self.holdTunnelBytes(&buffer)
                } else {
                    // More bytes behind the end of the response, before any new request was sent.
                    self.outOfSync = true
                }
            }
            delegate.upstreamReceived(part)
        }
        guard buffer.readableBytes > 0 else { return }
        if self.parser.isUpgraded {
            self.holdTunnelBytes(&buffer)
        } else if self.outOfSync || self.delegate == nil {
            context.close(promise: nil)
        }
    }

    /// Takes all of `buffer` for the tunnel.
    private func holdTunnelBytes(_ buffer: inout ByteBuffer) {
        if self.tunnelBytes == nil {
            self.tunnelBytes = buffer
            buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
        } else {
            self.tunnelBytes?.writeBuffer(&buffer)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        self.delegate?.upstreamReadComplete()
        context.fireChannelReadComplete()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        self.delegate?.upstreamWritabilityChanged(isWritable: context.channel.isWritable)
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.responseTimer?.cancel()
        if let delegate = self.delegate {
            do {
                // A body delimited by the close ends here.
                if let part = try self.parser.inputEnded() { delegate.upstreamReceived(part) }
            } catch {
                self.fail(error, context: context)
            }
        }
        let delegate = self.delegate
        self.delegate = nil
        delegate?.upstreamClosed(error: nil)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        self.fail(error, context: context)
    }

    private func fail(_ error: Error, context: ChannelHandlerContext) {
        self.outOfSync = true
        let delegate = self.delegate
        self.delegate = nil
        delegate?.upstreamClosed(error: error)
        context.close(promise: nil)
    }
}
