import NIOCore

/// Writes given bytes as a connection's very first, before the handlers behind it say anything
/// (a PROXY protocol header ahead of a TLS ClientHello, as a load balancer sends it).
final class ConnectionPrefixWriter: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny
    typealias OutboundOut = ByteBuffer

    private let prefix: [UInt8]

    init(_ prefix: [UInt8]) {
        self.prefix = prefix
    }

    func channelActive(context: ChannelHandlerContext) {
        context.writeAndFlush(Self.wrapOutboundOut(ByteBuffer(bytes: self.prefix)), promise: nil)
        context.fireChannelActive()
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }
}
