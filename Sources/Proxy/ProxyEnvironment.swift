import Logging
import NIOCore

/// What every client connection handler on one event loop shares.
struct ProxyEnvironment {
    let configuration: ProxyConfiguration
    /// This event loop's decider.
    let decider: any EventLoopRequestDecider
    /// This event loop's upstream pools and balancers.
    let upstreams: UpstreamRouter
    let metrics: ProxyMetrics
    /// This event loop's request IDs.
    let requestIDs: RequestIDSource
    let logger: Logger
    /// This event loop's access log buffer; nil when the access log is off.
    let accessLog: AccessLogLoopBuffer?
    /// The connection arrived on the HTTPS listener.
    var isTLS = false
    /// The handler serves one HTTP/2 stream, not a connection.
    var isHTTP2Stream = false
    /// The client a PROXY protocol header named before this handler joined the pipeline.
    var clientAddress: SocketAddress?

    /// `Strict-Transport-Security` for responses on this connection (TLS with `--hsts-max-age`).
    var strictTransportSecurity: String? {
        guard self.isTLS, let maxAge = self.configuration.tls?.hstsMaxAge else { return nil }
        return "max-age=\(maxAge)"
    }
}
