import NIOCore

/// Keeps what a PROXY protocol header said, for the handlers that join the pipeline only after
/// TLS has negotiated the application protocol (HTTP/1.1 or HTTP/2): the header's event passes
/// before they exist. Passes every event on; removed once the protocol is chosen.
final class ClientAddressRecorder: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    /// The header's addresses; nil when no header came.
    private(set) var announced: ProxyProtocolAddresses?

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let addresses = event as? ProxyProtocolAddresses {
            self.announced = addresses
        }
        context.fireUserInboundEventTriggered(event)
    }
}
