import NIOCore
import NIOSSL
import NIOTLS

/// Behind the HTTPS listener's `NIOSSLServerHandler`: counts the connection's handshake (its
/// version) or its failure (by reason) in ``TLSMetrics``, then leaves the pipeline, so requests
/// never pass through it.
final class TLSHandshakeObserver: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    private let metrics: TLSMetrics
    private var done = false

    init(metrics: TLSMetrics) {
        self.metrics = metrics
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if !self.done, case TLSUserEvent.handshakeCompleted = event {
            self.done = true
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
