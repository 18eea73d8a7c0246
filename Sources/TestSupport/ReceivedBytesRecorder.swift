import NIOCore

/// Hands every inbound byte to `record` before the HTTP decoder sees it, so that a test can
/// check what arrived on the wire rather than what a decoder made of it (a UTF-8 reading of a
/// header value replaces non-UTF-8 bytes).
final class ReceivedBytesRecorder: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let record: @Sendable ([UInt8]) -> Void

    init(record: @escaping @Sendable ([UInt8]) -> Void) {
        self.record = record
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = Self.unwrapInboundIn(data)
        self.record(Array(buffer.readableBytesView))
        context.fireChannelRead(data)
    }
}
