import HTTPHead
import NIOCore
import NIOHTTP1

/// The client side's request decoder: runs ``RequestParser`` over the raw bytes and
/// passes on the request parts it decodes (head, body slices of the bytes read, end), so every
/// request byte is parsed once, by the strict parser, and nothing ambiguous is ever decoded. A
/// rejection becomes a ``RequestRejection`` error after the parts of the requests before it.
/// Also owns the header-read timeout (408): the clock runs from the first byte of a head until
/// the head is complete.
final class RequestDecodingHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = RequestPart

    /// What reaches the next handler, in order.
    private enum Delivery {
        /// A head with the framing the parser decided for it.
        case head(RequestHead, MessageFraming)
        case part(RequestPart)
        case headStarted
        case rejection(RequestRejection)
    }

    private var parser: RequestParser
    private let headerTimeout: TimeAmount
    private var headerTimer: Scheduled<Void>?
    /// Bytes the client sent after an upgrade request, held until the upstream's answer.
    private var held: ByteBuffer?
    private var context: ChannelHandlerContext?
    /// Decoded but not yet delivered. The next handler may call back into this one while a
    /// delivery runs (``upgradeRefused()``); new deliveries then queue behind the current ones.
    private var deliveries = CircularBuffer<Delivery>(initialCapacity: 4)
    private var isDelivering = false
    /// Takes the deliveries directly when set (``ClientExchange``); otherwise they are
    /// fired down the pipeline. Held strongly (a weak reference would put every retain and release
    /// of the exchange on the runtime's slower side-table path): the receiver lets go of it when
    /// its connection ends, and so does this handler when it leaves the pipeline.
    var receiver: (any RequestDecodingReceiver)?

    init(limits: RequestLimits, headerTimeout: TimeAmount) {
        self.parser = RequestParser(limits: limits)
        self.headerTimeout = headerTimeout
    }

    /// True while an upgrade request waits for its answer (later bytes are held).
    var isAwaitingUpgradeOutcome: Bool { self.parser.isAwaitingUpgradeOutcome }

    /// The upstream accepted the upgrade: returns the bytes the client sent after its request
    /// (they belong to the tunnel). The handler is removed from the pipeline next.
    func upgradeAccepted() -> ByteBuffer? {
        self.parser.upgradeAccepted()
        defer { self.held = nil }
        return self.held
    }

    /// The upgrade did not happen and HTTP continues: decode what the client sent meanwhile.
    func upgradeRefused() {
        guard self.parser.isAwaitingUpgradeOutcome, let context = self.context else { return }
        self.parser.upgradeRefused()
        if let held = self.held {
            self.held = nil
            self.decode(held, context: context)
        }
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.headerTimer?.cancel()
        self.headerTimer = nil
        self.context = nil
        self.receiver = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        self.decode(Self.unwrapInboundIn(data), context: context)
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.headerTimer?.cancel()
        self.headerTimer = nil
        context.fireChannelInactive()
    }

    private func decode(_ buffer: ByteBuffer, context: ChannelHandlerContext) {
        if self.parser.isPassthrough || self.parser.isAwaitingUpgradeOutcome {
            self.hold(buffer)
            return
        }
        let outcome = buffer.withUnsafeReadableBytes { bytes in
            self.parser.consume(bytes) { part in
                switch part {
                case .head(let head, let framing):
                    self.deliveries.append(.head(head, framing))
                case .body(let range):
                    if let slice = buffer.getSlice(at: buffer.readerIndex + range.lowerBound, length: range.count),
                        slice.readableBytes > 0
                    {
                        self.deliveries.append(.part(.body(slice)))
                    }
                case .end(let trailers):
                    self.deliveries.append(.part(.end(trailers)))
                }
            }
        }
        // The event stops the idle clock while a head trickles in; a head that is complete in this
        // read stops it itself when it arrives, so the common case needs no event.
        if outcome.headStarted && (self.parser.isReadingHead || outcome.rejection != nil) {
            self.deliveries.append(.headStarted)
        }
        if let rejection = outcome.rejection {
            self.deliveries.append(.rejection(rejection))
        } else if self.parser.isAwaitingUpgradeOutcome, let heldFrom = outcome.heldFrom,
            let rest = buffer.getSlice(at: buffer.readerIndex + heldFrom, length: buffer.readableBytes - heldFrom)
        {
            self.hold(rest)
        }
        self.updateHeaderTimer(context: context)
        self.deliver(context: context)
    }

    private func deliver(context: ChannelHandlerContext) {
        guard !self.isDelivering else { return }
        self.isDelivering = true
        defer { self.isDelivering = false }
        while let delivery = self.deliveries.popFirst() {
            if let receiver = self.receiver {
                switch delivery {
                case .head(let head, let framing): receiver.requestHeadDecoded(head, framing: framing)
                case .part(let part): receiver.requestPartDecoded(part)
                case .headStarted: receiver.requestHeadStarted()
                case .rejection(let rejection): receiver.requestRejected(rejection)
                }
                continue
            }
            switch delivery {
            case .head(let head, _):
                // Read from the pipeline, the head's framing is computed again from its fields.
                context.fireChannelRead(Self.wrapInboundOut(.head(head)))
            case .part(let part):
                context.fireChannelRead(Self.wrapInboundOut(part))
            case .headStarted:
                context.fireUserInboundEventTriggered(RequestHeadStarted())
            case .rejection(let rejection):
                context.fireErrorCaught(rejection)
            }
        }
    }

    /// Keeps bytes that arrive while an upgrade's outcome is pending; an unbounded amount is
    /// refused (a client has no reason to send much before the answer).
    private func hold(_ bytes: ByteBuffer) {
        guard bytes.readableBytes > 0, !self.parser.isFailed else { return }
        if self.held == nil {
            self.held = bytes
        } else {
            var bytes = bytes
            self.held?.writeBuffer(&bytes)
        }
        let limit = self.parser.limits.maxRequestLineBytes + self.parser.limits.maxHeaderBytes + 4096
        if let held = self.held, held.readableBytes > limit, let context = self.context {
            self.held = nil
            self.parser.fail()
            self.deliveries.append(.rejection(RequestRejection(.badRequest, "too much data before the upgrade answer")))
            self.deliver(context: context)
        }
    }

    private func updateHeaderTimer(context: ChannelHandlerContext) {
        if self.parser.isReadingHead {
            guard self.headerTimer == nil else { return }
            let loopBoundContext = context.loopBound
            self.headerTimer = context.eventLoop.assumeIsolated().scheduleTask(in: self.headerTimeout) {
                self.headerTimer = nil
                guard self.parser.isReadingHead else { return }
                self.parser.fail()
                self.deliveries.append(.rejection(RequestRejection(.requestTimeout, "request header timeout")))
                self.deliver(context: loopBoundContext.value)
            }
        } else if let timer = self.headerTimer {
            timer.cancel()
            self.headerTimer = nil
        }
    }
}
