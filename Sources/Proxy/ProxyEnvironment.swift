import Logging
import NIOCore

/// What every client connection handler on one event loop shares.
struct ProxyEnvironment {
    let configuration: ProxyConfiguration
    let decider: any RequestDecider
    let pool: UpstreamConnectionPool
    let metrics: ProxyMetrics
    let logger: Logger
    let accessLogger: Logger
}
