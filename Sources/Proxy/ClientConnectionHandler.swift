import NIOCore
import NIOHTTP1

#if canImport(Glibc)
import Glibc
#endif

/// The channel end of an HTTP/1.1 client connection: passes the channel's events to its ``ClientExchange``, which holds every rule, and performs the
/// exchange's writes, reads and closes on the channel (``ClientSide``).
final class ClientConnectionHandler: ChannelDuplexHandler, RemovableChannelHandler, ClientSide {
    typealias InboundIn = RequestPart
    typealias OutboundIn = Never
    /// Response bytes: there is no HTTP encoder on this side (``WireEncoding``).
    typealias OutboundOut = ByteBuffer

    let eventLoop: any EventLoop
    let allocator: ByteBufferAllocator
    private let exchange: ClientExchange
    private var context: ChannelHandlerContext?

    /// `channel` is the one the handler is made for (its loop and allocator serve the exchange).
    init(environment: ProxyEnvironment, channel: any Channel) {
        self.eventLoop = channel.eventLoop
        self.allocator = channel.allocator
        self.exchange = ClientExchange(environment: environment)
    }

    // MARK: - Channel events

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        let decoder = try? context.pipeline.syncOperations.handler(type: RequestDecodingHandler.self)
        self.exchange.attach(to: self, remoteAddress: context.channel.remoteAddress, decoder: decoder)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.exchange.detach()
        self.context = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        self.exchange.requestPartDecoded(Self.unwrapInboundIn(data))
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        self.exchange.clientReadComplete()
        context.fireChannelReadComplete()
    }

    func read(context: ChannelHandlerContext) {
        if self.exchange.readRequested() { context.read() }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        self.exchange.clientWritabilityChanged(isWritable: context.channel.isWritable)
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.exchange.clientClosed()
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        switch event {
        case is RequestHeadStarted:
            self.exchange.requestHeadStarted()
        case let addresses as ProxyProtocolAddresses:
            self.exchange.clientAddressAnnounced(addresses)
        case is ChannelShouldQuiesceEvent:
            self.exchange.quiesce()
        case is DrainDeadlineReached:
            self.exchange.drainDeadlineReached()
        default:
            context.fireUserInboundEventTriggered(event)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        self.exchange.clientError(error)
    }

    // MARK: - ClientSide

    var isWritable: Bool { self.context?.channel.isWritable ?? false }

    func write(bytes: ByteBuffer) {
        self.context?.write(Self.wrapOutboundOut(bytes), promise: nil)
    }

    /// Never called: the exchange of an HTTP/1.1 connection writes bytes.
    func write(streamPart: HTTP2ResponsePart) {
        assertionFailure("an HTTP/1.1 connection is written bytes, not HTTP/2 response parts")
    }

    func flush() {
        self.context?.flush()
    }

    func read() {
        self.context?.read()
    }

    func close() {
        self.context?.close(promise: nil)
    }

    func closeAfterSendTimeout() {
        self.close()
    }

    /// `SO_LINGER` of zero: the close sends RST instead of FIN (set at once on the channel's own
    /// loop, so the close follows in the same turn).
    func abort() {
        guard let context = self.context else { return }
        guard let socket = context.channel as? any SocketOptionProvider else {
            context.close(promise: nil)
            return
        }
        let loopBoundContext = context.loopBound
        socket.setSoLinger(linger(l_onoff: 1, l_linger: 0)).whenComplete { _ in
            loopBoundContext.value.close(promise: nil)
        }
    }

    /// An empty write is queued behind the response bytes and the close follows its completion.
    func closeAfterWrites() {
        guard let context = self.context else { return }
        let loopBoundContext = context.loopBound
        let marker = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(Self.wrapOutboundOut(ByteBuffer()), promise: marker)
        marker.futureResult.whenComplete { _ in loopBoundContext.value.close(promise: nil) }
    }

    func spliceTunnel(to upstream: UpstreamConnection, early: ByteBuffer?, idleTimeout: TimeAmount) throws {
        guard let context = self.context else { return }
        try TunnelSplice.splice(client: context, upstream: upstream, early: early, idleTimeout: idleTimeout)
    }
}
