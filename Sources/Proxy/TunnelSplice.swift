import NIOCore

/// Turns a client connection and its upstream connection into one byte tunnel once the upstream's
/// `101` has been passed on (WebSocket): both HTTP handlers leave their pipelines, a matched pair
/// of ``GlueHandler``s joins the channels with backpressure, and an idle timer guards each side.
enum TunnelSplice {
    /// Splices the channel of `client` (the context of the handler that served the upgrade, which
    /// is removed with the request decoder) to `upstream`'s channel. `early` is what the client
    /// sent after its upgrade request: it is written upstream first, once the HTTP handlers are
    /// gone. Throws when a pipeline refuses a change; the caller then closes both channels.
    static func splice(
        client context: ChannelHandlerContext,
        upstream connection: UpstreamConnection,
        early: ByteBuffer?,
        idleTimeout: TimeAmount
    ) throws {
        let (clientGlue, upstreamGlue) = GlueHandler.matchedPair()
        let upstreamPipeline = connection.channel.pipeline.syncOperations
        try upstreamPipeline.addHandler(IdleStateHandler(allTimeout: idleTimeout))
        try upstreamPipeline.addHandler(upstreamGlue)
        let clientPipeline = context.pipeline.syncOperations
        try clientPipeline.addHandler(IdleStateHandler(allTimeout: idleTimeout))
        try clientPipeline.addHandler(clientGlue)

        var removals: [EventLoopFuture<Void>] = []
        func remove(_ pipeline: ChannelPipeline.SynchronousOperations, _ handlerContext: ChannelHandlerContext) {
            let promise = context.eventLoop.makePromise(of: Void.self)
            pipeline.removeHandler(context: handlerContext, promise: promise)
            removals.append(promise.futureResult)
        }
        remove(upstreamPipeline, try upstreamPipeline.context(handler: connection.handler))
        remove(clientPipeline, try clientPipeline.context(handlerType: RequestDecodingHandler.self))
        let clientChannel = context.channel
        let upstreamChannel = connection.channel
        EventLoopFuture.andAllComplete(removals, on: context.eventLoop).assumeIsolated().whenComplete { _ in
            if let early { upstreamChannel.writeAndFlush(early, promise: nil) }
            clientGlue.activate()
            upstreamGlue.activate()
            upstreamChannel.read()
            clientChannel.read()
        }
        clientPipeline.removeHandler(context: context, promise: nil)
    }
}
