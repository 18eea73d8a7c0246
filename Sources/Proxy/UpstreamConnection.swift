import NIOCore

/// One keep-alive connection to the upstream, owned by the pool of its event loop.
final class UpstreamConnection {
    enum Phase {
        case leased
        case idle
        case closed
    }

    let channel: Channel
    let handler: UpstreamHandler
    var phase: Phase = .leased
    /// When it last went back to the pool (for the idle sweep).
    var idleSince: NIODeadline = .now()
    /// Requests served so far (for logs and tests).
    var requestCount = 0

    init(channel: Channel, handler: UpstreamHandler) {
        self.channel = channel
        self.handler = handler
    }
}
