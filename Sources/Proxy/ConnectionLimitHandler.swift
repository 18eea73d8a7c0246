import NIOCore

/// On a listener's server channel: hands every accepted connection to the ``ConnectionLimiter``
/// before it is set up, on the listener's own event loop, so the pause at the limit takes effect
/// before the next accept (the listener accepts one connection per read when a limit is set).
final class ConnectionLimitHandler: ChannelInboundHandler {
    typealias InboundIn = Channel
    typealias InboundOut = Channel

    private let limiter: ConnectionLimiter

    init(limiter: ConnectionLimiter) {
        self.limiter = limiter
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.limiter.register(listener: context.channel)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        self.limiter.accepted(Self.unwrapInboundIn(data))
        context.fireChannelRead(data)
    }
}
