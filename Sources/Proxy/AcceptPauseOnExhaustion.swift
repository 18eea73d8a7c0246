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
/// served. When to warn and to say so when accepting works again: ``AcceptExhaustionEpisodes``.
/// Out of descriptors, the listener also closes the process's spares (``DescriptorReserve``), so
/// that what else needs one meanwhile finds it, and takes them back before it accepts again.
final class AcceptPauseOnExhaustion: ChannelInboundHandler {
    typealias InboundIn = Channel
    typealias InboundOut = Channel

    private let logger: Logger
    private let limiter: ConnectionLimiter?
    private let reserve: DescriptorReserve?
    private var episodes = AcceptExhaustionEpisodes()
    private var paused = false
    private var resumeTask: Scheduled<Void>?

    init(logger: Logger, limiter: ConnectionLimiter?, reserve: DescriptorReserve? = nil) {
        self.logger = logger
        self.limiter = limiter
        self.reserve = reserve
    }

    /// Whether an accept error means the process or the system has no descriptor left.
    static func isOutOfDescriptors(_ error: any Error) -> Bool {
        guard let error = error as? IOError else { return false }
        return error.errnoCode == EMFILE || error.errnoCode == ENFILE
    }

    /// Whether an accept error means "out of descriptors or socket memory" (try later), as
    /// opposed to a broken listener.
    static func isExhaustion(_ error: any Error) -> Bool {
        if Self.isOutOfDescriptors(error) { return true }
        guard let error = error as? IOError else { return false }
        return error.errnoCode == ENOBUFS || error.errnoCode == ENOMEM
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.resumeTask?.cancel()
        self.resumeTask = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if let recovery = self.episodes.accepted() {
            // Also when the connection limiter, not the timer, resumed accepting.
            self.reserve?.replenish()
            self.logger.info(
                "accepting connections again",
                metadata: [
                    "listener": "\(context.channel.localAddress.map { "\($0)" } ?? "?")",
                    "failed_accepts": "\(recovery.failedAccepts)",
                ]
            )
        }
        context.fireChannelRead(data)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard Self.isExhaustion(error) else {
            context.fireErrorCaught(error)
            return
        }
        if Self.isOutOfDescriptors(error) { self.reserve?.release() }
        let (next, warning) = self.episodes.acceptFailed(now: .now())
        if let warning {
            var metadata: Logger.Metadata = [
                "listener": "\(context.channel.localAddress.map { "\($0)" } ?? "?")",
                "error": "\(error)",
                "descriptor_limit": "\(DescriptorLimit.current().soft)",
            ]
            if warning.quietEpisodes > 0 {
                metadata["episodes_since_last_warning"] = "\(warning.quietEpisodes)"
                metadata["failed_accepts_since_last_warning"] = "\(warning.quietFailedAccepts)"
            }
            self.logger.warning(
                "out of file descriptors: accepting paused, open connections still served",
                metadata: metadata
            )
        }
        guard !self.paused else { return }
        self.paused = true
        try? context.channel.syncOptions?.setOption(.autoRead, value: false)
        self.resumeTask = context.eventLoop.assumeIsolated().scheduleTask(in: next) {
            self.resumeTask = nil
            self.paused = false
            // The spares first: the accepts that follow may take every descriptor left.
            self.reserve?.replenish()
            // At the connection limit the limiter resumes reading when a connection closes.
            if self.limiter?.isPaused == true { return }
            try? context.channel.syncOptions?.setOption(.autoRead, value: true)
            context.read()
        }
    }
}
