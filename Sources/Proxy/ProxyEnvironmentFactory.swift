import Logging
import NIOCore

/// Builds a connection's (or an HTTP/2 stream's) ``ProxyEnvironment`` from what each event loop
/// owns: channel initializers run on the loop, while only this Sendable summary crosses loops.
struct ProxyEnvironmentFactory: Sendable {
    let configuration: ProxyConfiguration
    let deciders: [ObjectIdentifier: NIOLoopBound<any EventLoopRequestDecider>]
    let logger: Logger
    let routers: [ObjectIdentifier: NIOLoopBound<UpstreamRouter>]
    let metrics: [ObjectIdentifier: NIOLoopBound<ProxyMetrics>]
    let requestIDs: [ObjectIdentifier: NIOLoopBound<RequestIDSource>]
    let headBuffers: [ObjectIdentifier: NIOLoopBound<HeadBufferPool>]
    let accessLogs: [ObjectIdentifier: NIOLoopBound<AccessLogLoopBuffer>]
    let exchangeCensus: ExchangeCensus?

    /// Must be called on `loop`.
    func environment(
        on loop: any EventLoop,
        isTLS: Bool,
        isHTTP2Stream: Bool = false,
        announced: ProxyProtocolAddresses? = nil
    ) throws -> ProxyEnvironment {
        let key = ObjectIdentifier(loop)
        guard let upstreams = self.routers[key]?.value, let metrics = self.metrics[key]?.value,
            let decider = self.deciders[key]?.value, let requestIDs = self.requestIDs[key]?.value,
            let headBuffers = self.headBuffers[key]?.value
        else {
            throw ChannelError.ioOnClosedChannel
        }
        return ProxyEnvironment(
            configuration: self.configuration,
            decider: decider,
            upstreams: upstreams,
            metrics: metrics,
            requestIDs: requestIDs,
            headBuffers: headBuffers,
            logger: self.logger,
            accessLog: self.accessLogs[key]?.value,
            isTLS: isTLS,
            isHTTP2Stream: isHTTP2Stream,
            announced: announced,
            exchangeCensus: self.exchangeCensus
        )
    }
}
