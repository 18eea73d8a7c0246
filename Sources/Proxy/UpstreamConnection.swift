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
    var idleTimer: Scheduled<Void>?
    /// Requests served so far (for logs and tests).
    var requestCount = 0

    init(channel: Channel, handler: UpstreamHandler) {
        self.channel = channel
        self.handler = handler
    }
}
