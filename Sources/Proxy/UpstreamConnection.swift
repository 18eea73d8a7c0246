import NIOCore

/// One keep-alive connection to the upstream, owned by the pool of its event loop.
final class UpstreamConnection: PooledConnection {
    let channel: Channel
    let handler: UpstreamHandler
    var poolPhase: PoolPhase = .leased
    /// When it last went back to the pool (for the idle sweep).
    var idleSince: NIODeadline = .now()
    /// Requests served so far (for logs and tests).
    var requestCount = 0
    /// The server it is connected to (its pool's index in the ``UpstreamRouter``).
    let serverIndex: Int
    /// The address it connected to.
    let address: SocketAddress

    init(channel: Channel, handler: UpstreamHandler, serverIndex: Int, address: SocketAddress) {
        self.channel = channel
        self.handler = handler
        self.serverIndex = serverIndex
        self.address = address
    }
}
