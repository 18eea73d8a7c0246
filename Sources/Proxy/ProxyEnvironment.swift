import Logging
import NIOCore

/// What the handlers of one client connection share — on an HTTP/2 connection, every stream's
/// handler: one object per connection, so that a stream's handler takes a reference rather than a
/// copy of the configuration and the loop's services.
final class ProxyEnvironment {
    let configuration: ProxyConfiguration
    /// This event loop's decider.
    let decider: any EventLoopRequestDecider
    /// This event loop's upstream pools and balancers.
    let upstreams: UpstreamRouter
    let metrics: ProxyMetrics
    /// This event loop's request IDs.
    let requestIDs: RequestIDSource
    /// This event loop's spare buffers for the heads it writes.
    let headBuffers: HeadBufferPool
    let logger: Logger
    /// This event loop's access log buffer; nil when the access log is off.
    let accessLog: AccessLogLoopBuffer?
    /// The connection arrived on the HTTPS listener.
    let isTLS: Bool
    /// The handler serves one HTTP/2 stream, not a connection.
    let isHTTP2Stream: Bool
    /// What a PROXY protocol header said before the handler joined the pipeline (nil: none came).
    let announced: ProxyProtocolAddresses?
    /// `Strict-Transport-Security` for responses on this connection (TLS with `--hsts-max-age`).
    let strictTransportSecurity: String?
    /// Counts the exchanges alive (debug builds only); nil when nobody asks.
    let exchangeCensus: ExchangeCensus?

    init(
        configuration: ProxyConfiguration,
        decider: any EventLoopRequestDecider,
        upstreams: UpstreamRouter,
        metrics: ProxyMetrics,
        requestIDs: RequestIDSource,
        headBuffers: HeadBufferPool,
        logger: Logger,
        accessLog: AccessLogLoopBuffer?,
        isTLS: Bool,
        isHTTP2Stream: Bool,
        announced: ProxyProtocolAddresses?,
        exchangeCensus: ExchangeCensus? = nil
    ) {
        self.configuration = configuration
        self.decider = decider
        self.upstreams = upstreams
        self.metrics = metrics
        self.requestIDs = requestIDs
        self.headBuffers = headBuffers
        self.logger = logger
        self.accessLog = accessLog
        self.isTLS = isTLS
        self.isHTTP2Stream = isHTTP2Stream
        self.announced = announced
        self.exchangeCensus = exchangeCensus
        if isTLS, let maxAge = configuration.tls?.hstsMaxAge {
            self.strictTransportSecurity = "max-age=\(maxAge)"
        } else {
            self.strictTransportSecurity = nil
        }
    }
}
