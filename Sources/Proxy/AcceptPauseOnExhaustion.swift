import Logging
import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

/// On a listener's server channel: when `accept` fails because the process (EMFILE) or the
/// system (ENFILE) is out of descriptors, or the kernel is out of memory for a socket, the
/// listener stops reading for a while instead of retrying at once — which spins a core at 100 %
/// while the backlog stays full, as nginx's and HAProxy's accept loops avoid. Reads are turned
/// off (autoRead), so the selector stops waking for the listening socket; they come back after
/// 50 ms, doubling up to 1 s while accepts keep failing. Connections already open keep being
/// served. One warning per episode, one info line when accepting works again.
final class AcceptPauseOnExhaustion: ChannelInboundHandler {
    typealias InboundIn = Channel
    typealias InboundOut = Channel

    static let firstPause = TimeAmount.milliseconds(50)
    static let longestPause = TimeAmount.seconds(1)

    private let logger: Logger
    private let limiter: ConnectionLimiter?
    /// The pause in force during an episode; nil when accepting works.
    private var pause: TimeAmount?
    private var paused = false
    private var failedAccepts = 0
    private var resumeTask: Scheduled<Void>?

    init(logger: Logger, limiter: ConnectionLimiter?) {
        self.logger = logger
        self.limiter = limiter
    }

    /// Whether an accept error means "out of descriptors or socket memory" (try later), as
    /// opposed to a broken listener.
    static func isExhaustion(_ error: any Error) -> Bool {
        guard let error = error as? IOError else { return false }
        return [EMFILE, ENFILE, ENOBUFS, ENOMEM].contains(error.errnoCode)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.resumeTask?.cancel()
        self.resumeTask = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if self.pause != nil {
            self.logger.info(
                "accepting connections again",
                metadata: [
                    "listener": "\(context.channel.localAddress.map { "\($0)" } ?? "?")",
                    "failed_accepts": "\(self.failedAccepts)",
                ]
            )
            self.pause = nil
            self.failedAccepts = 0
        }
        context.fireChannelRead(data)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard Self.isExhaustion(error) else {
            context.fireErrorCaught(error)
            return
        }
        self.failedAccepts += 1
        let next: TimeAmount
        if let pause = self.pause {
            next = min(pause * 2, Self.longestPause)
        } else {
            next = Self.firstPause
            self.logger.warning(
                "out of file descriptors: accepting paused, open connections still served",
                metadata: [
                    "listener": "\(context.channel.localAddress.map { "\($0)" } ?? "?")",
                    "error": "\(error)",
                    "descriptor_limit": "\(DescriptorLimit.current().soft)",
                ]
            )
        }
        self.pause = next
        guard !self.paused else { return }
        self.paused = true
        try? context.channel.syncOptions?.setOption(.autoRead, value: false)
        self.resumeTask = context.eventLoop.assumeIsolated().scheduleTask(in: next) {
            self.resumeTask = nil
            self.paused = false
            // At the connection limit the limiter resumes reading when a connection closes.
            if self.limiter?.isPaused == true { return }
            try? context.channel.syncOptions?.setOption(.autoRead, value: true)
            context.read()
        }
    }
}
