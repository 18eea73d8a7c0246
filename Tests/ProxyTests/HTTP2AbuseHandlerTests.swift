import Logging
import LoopMetrics
import NIOCore
import NIOEmbedded
import NIOHTTP2
import Testing

@testable import Proxy

/// The abuse handler closes a connection the HTTP/2 handler reports for abuse, and says so once.
@Suite struct HTTP2AbuseHandlerTests {
    /// A control-frame flood goes on arriving while the close is under way, and the HTTP/2
    /// handler reports it again: one log line (and one GOAWAY counted) per connection.
    @Test func abuseReportedTwiceIsLoggedOnce() throws {
        let store = RecordingLogHandler.Store()
        let handler = HTTP2AbuseHandler(
            logger: Logger(label: "abuse") { _ in RecordingLogHandler(store: store) },
            metrics: ProxyMetrics(registry: LoopMetricsRegistry())
        )
        let channel = EmbeddedChannel(handler: handler)
        _ = try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        channel.pipeline.fireErrorCaught(NIOHTTP2Errors.excessiveControlFrames())
        channel.pipeline.fireErrorCaught(NIOHTTP2Errors.excessiveControlFrames())
        #expect(store.entries.withLock { $0.filter { $0.1 == "HTTP/2 client closed for abuse" }.count } == 1)
        #expect(!channel.isActive)
    }

    @Test func otherErrorsPassOn() throws {
        let store = RecordingLogHandler.Store()
        let handler = HTTP2AbuseHandler(
            logger: Logger(label: "abuse") { _ in RecordingLogHandler(store: store) },
            metrics: ProxyMetrics(registry: LoopMetricsRegistry())
        )
        let channel = EmbeddedChannel(handler: handler)
        _ = try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        channel.pipeline.fireErrorCaught(ChannelError.ioOnClosedChannel)
        #expect(throws: ChannelError.self) { try channel.throwIfErrorCaught() }
        #expect(channel.isActive)
        #expect(store.entries.withLock { $0.isEmpty })
        _ = try? channel.finish()
    }
}
