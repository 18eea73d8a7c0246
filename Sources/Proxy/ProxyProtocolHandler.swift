import Logging
import NIOCore

/// The first handler of a client pipeline on a listener behind an L4 load balancer that sends
/// the PROXY protocol. Only a trusted peer may send the header, and a trusted peer must: a
/// connection from anywhere else is closed as soon as it is active, and one from a trusted peer
/// is closed if its first bytes are not a valid header within ``headerTimeout``. Once the header
/// is read the handler fires ``ProxyProtocolAddresses``, then passes on the bytes that came
/// after the header in the same read, and leaves the pipeline.
///
/// Must sit before anything that reads the bytes, TLS included: the header precedes the
/// ClientHello. `channelActive` passes through before the header is read, so the handlers
/// behind it learn the client's address from the event, not from `channelActive`.
final class ProxyProtocolHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    static let defaultHeaderTimeout = TimeAmount.seconds(5)

    private enum State {
        /// The peer has not been checked yet (the channel is not active).
        case awaitingPeer
        case readingHeader
        /// Rejected; the close is under way and nothing more is read.
        case closing
        /// The header went by; the handler is leaving the pipeline.
        case passedOn
    }

    let headerTimeout: TimeAmount
    private let isTrustedPeer: (SocketAddress?) -> Bool
    private let logger: Logger?
    private var parser: ProxyProtocolParser
    private var state = State.awaitingPeer
    private var headerTimer: Scheduled<Void>?

    /// `isTrustedPeer` gets the channel's remote address (nil when it has none, which is never
    /// trusted by the CIDR form below). Rejections are logged at debug level only: an untrusted
    /// client can open connections at will.
    init(
        headerTimeout: TimeAmount = ProxyProtocolHandler.defaultHeaderTimeout,
        maxV2PayloadLength: Int = ProxyProtocolParser.defaultMaxV2PayloadLength,
        logger: Logger? = nil,
        isTrustedPeer: @escaping (SocketAddress?) -> Bool
    ) {
        self.headerTimeout = headerTimeout
        self.isTrustedPeer = isTrustedPeer
        self.logger = logger
        self.parser = ProxyProtocolParser(maxV2PayloadLength: maxV2PayloadLength)
    }

    /// Trusts the peers inside `trustedProxies` (IPv4-mapped IPv6 peers included).
    convenience init(
        trustedProxies: [CIDRBlock],
        headerTimeout: TimeAmount = ProxyProtocolHandler.defaultHeaderTimeout,
        maxV2PayloadLength: Int = ProxyProtocolParser.defaultMaxV2PayloadLength,
        logger: Logger? = nil
    ) {
        self.init(headerTimeout: headerTimeout, maxV2PayloadLength: maxV2PayloadLength, logger: logger) { peer in
            guard let peer else { return false }
            return trustedProxies.contains { $0.contains(peer) }
        }
    }

    func handlerAdded(context: ChannelHandlerContext) {
        // Added to a channel that is already active: channelActive will not come.
        if context.channel.isActive { self.checkPeer(context: context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.cancelHeaderTimer()
    }

    func channelActive(context: ChannelHandlerContext) {
        // Passed on first, so the handlers behind see active before any inactive a rejection
        // causes; no byte can be read before this returns.
        context.fireChannelActive()
        self.checkPeer(context: context)
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.cancelHeaderTimer()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .awaitingPeer = self.state { self.checkPeer(context: context) }
        switch self.state {
        case .awaitingPeer, .closing:
            return
        case .passedOn:
            context.fireChannelRead(data)
        case .readingHeader:
            var buffer = Self.unwrapInboundIn(data)
            switch self.parser.feed(buffer) {
            case .needMoreBytes:
                return
            case .invalid(let reason):
                self.reject(context: context, reason: reason)
            case .header(let header, let remainderOffset):
                self.cancelHeaderTimer()
                self.state = .passedOn
                buffer.moveReaderIndex(forwardBy: remainderOffset)
                context.fireUserInboundEventTriggered(
                    ProxyProtocolAddresses(source: header.source, destination: header.destination)
                )
                // The event's receiver may have closed the connection (a refused client).
                if buffer.readableBytes > 0, context.channel.isActive {
                    context.fireChannelRead(Self.wrapInboundOut(buffer))
                }
                context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
            }
        }
    }

    private func checkPeer(context: ChannelHandlerContext) {
        guard case .awaitingPeer = self.state else { return }
        let peer = context.channel.remoteAddress
        guard self.isTrustedPeer(peer) else {
            self.reject(context: context, reason: "peer is not a trusted proxy")
            return
        }
        self.state = .readingHeader
        self.headerTimer = context.eventLoop.assumeIsolated().scheduleTask(in: self.headerTimeout) {
            self.headerTimer = nil
            guard case .readingHeader = self.state else { return }
            self.reject(context: context, reason: "header timeout")
        }
    }

    private func reject(context: ChannelHandlerContext, reason: String) {
        self.state = .closing
        self.cancelHeaderTimer()
        self.logger?.debug(
            "PROXY protocol: connection closed",
            metadata: [
                "peer": "\(context.channel.remoteAddress.map { "\($0)" } ?? "?")",
                "reason": "\(reason)",
            ]
        )
        context.close(promise: nil)
    }

    private func cancelHeaderTimer() {
        self.headerTimer?.cancel()
        self.headerTimer = nil
    }
}
