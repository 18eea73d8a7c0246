import NIOCore
import NIOSSL
import NIOTLS

/// Behind the HTTPS listener's `NIOSSLServerHandler`: counts the connection's handshake (its
/// version) or its failure (by reason) in ``TLSMetrics``, then leaves the pipeline, so requests
/// never pass through it. A handshake not done within `timeout` (the client header timeout, as
/// nginx's `client_header_timeout` covers its handshake) closes the connection: a client that
/// connects and never sends a ClientHello, or only part of one, holds no descriptor for good.
final class TLSHandshakeObserver: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    private let metrics: TLSMetrics
    private let timeout: TimeAmount
    private var done = false
    private var deadline: Scheduled<Void>?

    init(metrics: TLSMetrics, timeout: TimeAmount) {
        self.metrics = metrics
        self.timeout = timeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let loopBoundContext = context.loopBound
        self.deadline = context.eventLoop.assumeIsolated().scheduleTask(in: self.timeout) {
            self.deadline = nil
            guard !self.done else { return }
            self.done = true
            self.metrics.handshakeFailed(TLSHandshakeTimedOut())
            loopBoundContext.value.close(promise: nil)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.deadline?.cancel()
        self.deadline = nil
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if !self.done, case TLSUserEvent.handshakeCompleted = event {
            self.done = true
            self.deadline?.cancel()
            let version = try? context.pipeline.syncOperations.handler(type: NIOSSLServerHandler.self).tlsVersion
            self.metrics.handshakeCompleted(version: version ?? nil)
            context.fireUserInboundEventTriggered(event)
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if !self.done {
            self.done = true
            self.metrics.handshakeFailed(error)
        }
        context.fireErrorCaught(error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !self.done {
            // Closed before the handshake finished, without an error of its own.
            self.done = true
            self.metrics.handshakeFailed(ChannelError.eof)
        }
        context.fireChannelInactive()
    }
}
