import NIOCore

/// Keeps the client address a PROXY protocol header named, for the handlers that join the
/// pipeline only after TLS has negotiated the application protocol (HTTP/1.1 or HTTP/2): the
/// header's event passes before they exist. Passes every event on.
final class ClientAddressRecorder: ChannelInboundHandler {
    typealias InboundIn = NIOAny

    /// The client the load balancer named; nil when no header named one.
    private(set) var clientAddress: SocketAddress?

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let addresses = event as? ProxyProtocolAddresses, let source = addresses.source {
            self.clientAddress = source
        }
        context.fireUserInboundEventTriggered(event)
    }
}
