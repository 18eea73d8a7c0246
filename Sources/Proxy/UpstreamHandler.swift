import NIOCore
import NIOHTTP1

/// The last handler of an upstream connection: hands response parts to the client connection
/// that leased it and reads only while that client can take more (backpressure).
final class UpstreamHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundIn = HTTPClientRequestPart
    typealias OutboundOut = HTTPClientRequestPart

    weak var delegate: UpstreamResponseDelegate?
    private var context: ChannelHandlerContext?
    private var readAllowed = true
    private var readPending = false

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    /// Allows or holds reads from the upstream (the client side is not writable).
    func setReadAllowed(_ allowed: Bool) {
        self.readAllowed = allowed
        if allowed, self.readPending, let context {
            self.readPending = false
            context.read()
        }
    }

    /// Writes a request part from the client side (through this channel's encoder).
    func write(_ part: HTTPClientRequestPart, promise: EventLoopPromise<Void>?) {
        guard let context else {
            promise?.fail(ChannelError.ioOnClosedChannel)
            return
        }
        context.write(Self.wrapOutboundOut(part), promise: promise)
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
        let part = Self.unwrapInboundIn(data)
        guard let delegate = self.delegate else {
            // Data on an idle pooled connection: it is out of sync, never reuse it.
            context.close(promise: nil)
            return
        }
        delegate.upstreamReceived(part)
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
        let delegate = self.delegate
        self.delegate = nil
        delegate?.upstreamClosed(error: nil)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        let delegate = self.delegate
        self.delegate = nil
        delegate?.upstreamClosed(error: error)
        context.close(promise: nil)
    }
}
