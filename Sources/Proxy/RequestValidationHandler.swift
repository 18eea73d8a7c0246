import NIOCore

/// Runs ``RequestFramingValidator`` over the raw bytes in front of NIO's HTTP decoder: passes the
/// accepted bytes on and turns a rejection into a ``RequestRejection`` error, so NIO never parses
/// anything ambiguous. Also owns the header-read timeout (408): the clock runs from the first
/// byte of a head until the head is complete.
final class RequestValidationHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private var validator: RequestFramingValidator
    private let headerTimeout: TimeAmount
    private var headerTimer: Scheduled<Void>?
    /// The beginning of a head that is not complete yet (never passed on before it validates).
    private var held: ByteBuffer?
    private var context: ChannelHandlerContext?

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    /// The upstream accepted the upgrade: returns the bytes the client sent after its request
    /// (they belong to the tunnel) and lets everything through from now on.
    func upgradeAccepted() -> ByteBuffer? {
        self.validator.upgradeAccepted()
        defer { self.held = nil }
        return self.held
    }

    /// The upgrade was refused and HTTP continues (the decoder has been replaced): validate and
    /// pass on what the client sent meanwhile.
    func upgradeRefused() {
        guard self.validator.isAwaitingUpgradeOutcome, let context = self.context else { return }
        self.validator.upgradeRefused()
        if let held = self.held {
            self.held = nil
            self.channelRead(context: context, data: Self.wrapInboundOut(held))
        }
    }

    init(limits: RequestLimits, headerTimeout: TimeAmount) {
        self.validator = RequestFramingValidator(limits: limits)
        self.headerTimeout = headerTimeout
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = Self.unwrapInboundIn(data)
        if self.validator.isPassthrough {
            context.fireChannelRead(data)
            return
        }
        let outcome = buffer.withUnsafeReadableBytes { self.validator.consume($0) }
        // The event stops the idle clock while a head trickles in; a head that is complete in this
        // read stops it itself when it arrives, so the common case fires no event.
        if outcome.headStarted && (self.validator.isReadingHead || outcome.rejection != nil) {
            context.fireUserInboundEventTriggered(RequestHeadStarted())
        }
        if outcome.acceptedBytes > 0 {
            if let held = self.held {
                self.held = nil
                context.fireChannelRead(Self.wrapInboundOut(held))
            }
            if outcome.acceptedBytes == buffer.readableBytes {
                context.fireChannelRead(data)
            } else if let accepted = buffer.readSlice(length: outcome.acceptedBytes) {
                context.fireChannelRead(Self.wrapInboundOut(accepted))
            }
        }
        if let rejection = outcome.rejection {
            self.held = nil
            self.updateHeaderTimer(context: context)
            context.fireErrorCaught(rejection)
            return
        }
        if let heldFrom = outcome.heldFrom {
            let start = heldFrom - outcome.acceptedBytes
            if start >= 0,
                let rest = buffer.getSlice(at: buffer.readerIndex + start, length: buffer.readableBytes - start)
            {
                if self.held == nil {
                    self.held = rest
                } else {
                    var rest = rest
                    self.held?.writeBuffer(&rest)
                }
            }
            let limit = self.validator.limits.maxRequestLineBytes + self.validator.limits.maxHeaderBytes + 4096
            if self.validator.isAwaitingUpgradeOutcome, let held = self.held, held.readableBytes > limit {
                self.held = nil
                self.validator.fail()
                self.updateHeaderTimer(context: context)
                context.fireErrorCaught(RequestRejection(.badRequest, "too much data before the upgrade answer"))
                return
            }
        }
        self.updateHeaderTimer(context: context)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.headerTimer?.cancel()
        self.headerTimer = nil
        self.context = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.headerTimer?.cancel()
        self.headerTimer = nil
        context.fireChannelInactive()
    }

    private func updateHeaderTimer(context: ChannelHandlerContext) {
        if self.validator.isReadingHead {
            guard self.headerTimer == nil else { return }
            let loopBoundContext = context.loopBound
            self.headerTimer = context.eventLoop.assumeIsolated().scheduleTask(in: self.headerTimeout) {
                self.headerTimer = nil
                guard self.validator.isReadingHead else { return }
                self.validator.fail()
                loopBoundContext.value.fireErrorCaught(RequestRejection(.requestTimeout, "request header timeout"))
            }
        } else if let timer = self.headerTimer {
            timer.cancel()
            self.headerTimer = nil
        }
    }
}
