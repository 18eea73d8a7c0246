import Logging
import NIOCore
import NIOHTTP2

/// Turns a TLS connection that negotiated `h2` into an HTTP/2 server connection whose every
/// stream is one exchange: ``HTTP2StreamHandler`` in front of the same
/// ``ClientConnectionHandler`` as an HTTP/1.1 connection, so the Gate, the forwarding rules, the
/// access log and the request ID are shared, not repeated.
enum HTTP2ConnectionSetup {
    /// Must be called on the channel's event loop.
    static func configure(
        _ channel: any Channel,
        environments: ProxyEnvironmentFactory,
        clientAddress: SocketAddress?
    ) throws {
        let limits = environments.configuration.http2
        var connection = NIOHTTP2Handler.ConnectionConfiguration()
        connection.initialSettings = [
            HTTP2Setting(parameter: .maxConcurrentStreams, value: limits.maxConcurrentStreams),
            HTTP2Setting(parameter: .maxHeaderListSize, value: environments.configuration.limits.maxHeaderBytes),
            HTTP2Setting(parameter: .maxFrameSize, value: 1 << 14),
            HTTP2Setting(parameter: .initialWindowSize, value: 65_535),
        ]
        // Every request block and trailer block is checked field by field by
        // `HTTP2RequestTranslator` (names, values, pseudo-headers and their order, connection-specific
        // fields, `te`), which refuses more than swift-nio-http2's own validator, and every response
        // block is built by `HTTP2ResponseTranslator` from a parsed head (lower-case names, no
        // connection-specific field). The library's second pass over each block cost about 2.5 µs per
        // stream in the profile; its content-length check stays on.
        connection.headerBlockValidation = .disabled
        var stream = NIOHTTP2Handler.StreamConfiguration()
        stream.streamResetFrameRateLimit.maximumCount = limits.maxResetStreams
        stream.streamResetFrameRateLimit.windowLength = limits.resetWindow
        stream.streamErrorRateLimit.maximumCount = limits.maxResetStreams
        stream.streamErrorRateLimit.windowLength = limits.resetWindow

        // Every stream of the connection runs on its loop and shares the connection's environment.
        let streamEnvironment = try environments.environment(
            on: channel.eventLoop,
            isTLS: true,
            isHTTP2Stream: true,
            clientAddress: clientAddress
        )
        let loopEnvironment = NIOLoopBound(streamEnvironment, eventLoop: channel.eventLoop)
        let metrics = streamEnvironment.metrics
        metrics.clientConnections.increment()
        metrics.http2Connections.increment()
        channel.closeFuture.assumeIsolated().whenComplete { _ in metrics.clientConnections.decrement() }

        let lifecycle = HTTP2ConnectionLifecycleHandler(
            idleTimeout: environments.configuration.timeouts.clientIdle,
            metrics: metrics
        )
        // One TLS record per flush rather than one per frame part the HTTP/2 handler writes.
        try channel.pipeline.syncOperations.addHandler(TLSRecordCoalescer())
        // Below the HTTP/2 handler, to see the bytes it writes.
        try channel.pipeline.syncOperations.addHandler(HTTP2ConnectionErrorCloser())
        _ = try channel.pipeline.syncOperations.configureHTTP2Pipeline(
            mode: .server,
            connectionConfiguration: connection,
            streamConfiguration: stream,
            streamDelegate: HTTP2StreamEvents(lifecycle: NIOLoopBound(lifecycle, eventLoop: channel.eventLoop))
        ) { streamChannel in
            streamChannel.eventLoop.makeCompletedFuture {
                let environment = loopEnvironment.value
                try streamChannel.pipeline.syncOperations.addHandler(
                    HTTP2StreamHandler(limits: environments.configuration.limits, metrics: environment.metrics)
                )
                try streamChannel.pipeline.syncOperations.addHandler(
                    ClientConnectionHandler(environment: environment, channel: streamChannel)
                )
            }
        }
        try channel.pipeline.syncOperations.addHandler(HTTP2AbuseHandler(logger: environments.logger, metrics: metrics))
        try channel.pipeline.syncOperations.addHandler(lifecycle)
    }
}
