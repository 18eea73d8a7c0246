import Logging
import NIOCore
import NIOHTTP2

/// Turns a TLS connection that negotiated `h2` into an HTTP/2 server connection whose every
/// stream is one exchange: ``HTTP2Exchanges`` gives each stream the same ``ClientExchange`` as an
/// HTTP/1.1 connection, so the Gate, the forwarding rules, the access log and the request ID are
/// shared, not repeated.
enum HTTP2ConnectionSetup {
    /// Must be called on the channel's event loop.
    static func configure(
        _ channel: any Channel,
        environments: ProxyEnvironmentFactory,
        announced: ProxyProtocolAddresses?
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
        // The connection's window is shared by all its streams: left at 64 KiB it would make
        // concurrent uploads take turns at 64 KiB per round trip for all of them. Opened to what
        // the streams' own windows allow together (as nginx opens it wide), uploads are paced
        // by their streams' windows, each given back only as the upstream takes the body; the
        // bytes held per connection stay bounded by streams × stream window either way.
        connection.targetWindowSize = min(limits.maxConcurrentStreams * stream.targetWindowSize, Int(Int32.max))

        // Every stream of the connection shares the connection's environment.
        let streamEnvironment = try environments.environment(
            on: channel.eventLoop,
            isTLS: true,
            isHTTP2Stream: true,
            announced: announced
        )
        let metrics = streamEnvironment.metrics
        metrics.clientConnections.increment()
        metrics.http2Connections.increment()
        channel.closeFuture.assumeIsolated().whenComplete { _ in metrics.clientConnections.decrement() }

        let lifecycle = HTTP2ConnectionLifecycleHandler(
            idleTimeout: environments.configuration.timeouts.clientIdle,
            metrics: metrics
        )
        let pipeline = channel.pipeline.syncOperations
        // Every handler is one more call per event it is on the path of, and a request has a
        // dozen events: each sits where the fewest pass. Below the coalescer, the closer reads
        // one gathered buffer per flush instead of every frame part the HTTP/2 handler writes.
        try pipeline.addHandler(HTTP2ConnectionErrorCloser())
        // One TLS record per flush rather than one per frame part the HTTP/2 handler writes.
        try pipeline.addHandler(TLSRecordCoalescer())
        // No multiplexer: every frame reaches `HTTP2Exchanges` with its stream ID.
        try pipeline.addHandler(
            NIOHTTP2Handler(mode: .server, connectionConfiguration: connection, streamConfiguration: stream)
        )
        try pipeline.addHandler(
            HTTP2Exchanges(
                environment: streamEnvironment,
                limits: environments.configuration.limits,
                streamWindow: stream.targetWindowSize,
                connectionWindow: connection.targetWindowSize,
                lifecycle: lifecycle
            )
        )
        // Behind the streams, which keep the HTTP/2 handler's frames and per-stream events to
        // themselves: these two see the connection's errors and events, not every request's.
        try pipeline.addHandler(HTTP2AbuseHandler(logger: environments.logger, metrics: metrics))
        try pipeline.addHandler(lifecycle)
    }
}
