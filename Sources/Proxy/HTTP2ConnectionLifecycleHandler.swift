import NIOCore
import NIOHTTP2

/// The life of an HTTP/2 connection beyond its streams: a connection without open streams for
/// the client idle time is sent GOAWAY (NO_ERROR) and closed, like an idle HTTP/1.1 keep-alive
/// connection; on graceful shutdown it is sent GOAWAY naming the last stream it will serve, and
/// closes as soon as those streams are done (the drain deadline closes the rest).
final class HTTP2ConnectionLifecycleHandler: ChannelInboundHandler {
    typealias InboundIn = HTTP2Frame

    private let idleTimeout: TimeAmount
    private var openStreams = 0
    private var lastStreamID = HTTP2StreamID(0)
    private var closing = false
    /// Armed while no stream is open; re-armed per request without scheduling a task each time.
    private var idleTimer: DeadlineTimer?
    private var context: ChannelHandlerContext?

    private let metrics: ProxyMetrics

    init(idleTimeout: TimeAmount, metrics: ProxyMetrics) {
        self.idleTimeout = idleTimeout
        self.metrics = metrics
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        self.idleTimer = DeadlineTimer(eventLoop: context.eventLoop) { [weak self] in self?.idleTimeoutExpired() }
        self.idleTimer?.arm(in: self.idleTimeout)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.idleTimer?.cancel()
        self.idleTimer = nil
        self.context = nil
    }

    /// Told by the connection's ``HTTP2Exchanges``, which keeps the streams.
    func streamCreated(_ id: HTTP2StreamID) {
        self.openStreams += 1
        if id > self.lastStreamID { self.lastStreamID = id }
        self.idleTimer?.disarm()
    }

    func streamClosed(_ id: HTTP2StreamID) {
        guard let context = self.context else { return }
        self.openStreams = max(0, self.openStreams - 1)
        guard self.openStreams == 0 else { return }
        if self.closing {
            self.closeAfterGoAway(context: context)
        } else {
            self.idleTimer?.arm(in: self.idleTimeout)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent, !self.closing {
            self.metrics.http2ShutdownGoAways.increment()
            self.goAway(context: context)
        }
        context.fireUserInboundEventTriggered(event)
    }

    private func idleTimeoutExpired() {
        guard let context = self.context, self.openStreams == 0, !self.closing else { return }
        self.metrics.http2IdleGoAways.increment()
        self.goAway(context: context)
    }

    /// GOAWAY with the last stream this side will serve; the connection closes when none is open.
    private func goAway(context: ChannelHandlerContext) {
        self.closing = true
        if self.openStreams == 0 {
            self.closeAfterGoAway(context: context)
            return
        }
        let frame = HTTP2Frame(
            streamID: .rootStream,
            payload: .goAway(lastStreamID: self.lastStreamID, errorCode: .noError, opaqueData: nil)
        )
        context.writeAndFlush(NIOAny(frame), promise: nil)
    }

    /// Closes once the last stream's frames have left: a final GOAWAY is written behind them and
    /// the close follows its write (a close alone would drop frames not yet written).
    private func closeAfterGoAway(context: ChannelHandlerContext) {
        let frame = HTTP2Frame(
            streamID: .rootStream,
            payload: .goAway(lastStreamID: self.lastStreamID, errorCode: .noError, opaqueData: nil)
        )
        let written = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(NIOAny(frame), promise: written)
        written.futureResult.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
    }
}
