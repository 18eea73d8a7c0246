import Logging
import NIOCore
import NIOHTTP2

/// Closes an HTTP/2 connection whose client the HTTP/2 handler caught abusing the protocol: it
/// has already sent GOAWAY (ENHANCE_YOUR_CALM) and reports the abuse as an error, leaving the
/// close to its user. Rapid reset (CVE-2023-44487), floods of control, empty DATA or
/// CONTINUATION frames, stream errors in a loop: the connection goes, its upstream requests are
/// cancelled with it.
final class HTTP2AbuseHandler: ChannelInboundHandler {
    typealias InboundIn = HTTP2Frame

    private let logger: Logger
    private let metrics: ProxyMetrics
    /// The connection is already closing for abuse: the HTTP/2 handler may report it again (a
    /// control-frame flood goes on arriving while the close is under way), counted and logged once.
    private var closedForAbuse = false

    init(logger: Logger, metrics: ProxyMetrics) {
        self.logger = logger
        self.metrics = metrics
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if Self.isAbuse(error) {
            guard !self.closedForAbuse else { return }
            self.closedForAbuse = true
            self.metrics.http2AbuseGoAways.increment()
            self.logger.info(
                "HTTP/2 client closed for abuse",
                metadata: [
                    "client": "\(context.channel.remoteAddress.map { "\($0)" } ?? "?")",
                    "reason": "\(type(of: error))",
                ]
            )
            context.close(promise: nil)
            return
        }
        context.fireErrorCaught(error)
    }

    static func isAbuse(_ error: any Error) -> Bool {
        switch error {
        case is NIOHTTP2Errors.ExcessiveRSTFrames, is NIOHTTP2Errors.ExcessiveStreamErrors,
            is NIOHTTP2Errors.ExcessiveControlFrames, is NIOHTTP2Errors.ExcessiveEmptyDataFrames,
            is NIOHTTP2Errors.ExcessiveContinuationFrames, is NIOHTTP2Errors.ExcessiveNumberOfGlitches,
            is NIOHTTP2Errors.ExcessivelyLargeHeaderBlock, is NIOHTTP2Errors.ExcessiveOutboundFrameBuffering:
            return true
        default:
            return false
        }
    }
}
