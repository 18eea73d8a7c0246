import NIOConcurrencyHelpers
import NIOCore

/// Counts the bytes a client channel receives and whether the other side closed.
final class ByteCountingHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer

    private let state = NIOLockedValueBox((count: 0, closed: false))

    var count: Int { self.state.withLockedValue { $0.count } }
    var closed: Bool { self.state.withLockedValue { $0.closed } }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = Self.unwrapInboundIn(data).readableBytes
        self.state.withLockedValue { $0.count += bytes }
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.state.withLockedValue { $0.closed = true }
        context.fireChannelInactive()
    }
}
