import Logging
import Proxy
import ServiceLifecycle

/// What `freezegate serve` runs besides the listeners: the decision seam, readiness, metrics and
/// any background services. This is the wiring point for the Gate and PostgreSQL (the tenant
/// snapshot loader/listener becomes an extra service, the Gate the decider, "snapshot loaded"
/// the readiness and swift-prometheus the metrics).
struct GatewayServices {
    var decider: any RequestDecider
    var readiness: @Sendable () -> Bool
    var metrics: @Sendable () -> String
    var backgroundServices: [any Service]

    /// Until the Gate and the PostgreSQL layer are wired: forward everything, always ready.
    static func build(
        databaseURL: String?,
        baseDomains: [String],
        configFile: String?,
        logger: Logger
    ) throws
        -> GatewayServices
    {
        _ = (databaseURL, baseDomains, configFile)
        return GatewayServices(
            decider: ForwardAllDecider(),
            readiness: { true },
            metrics: { "" },
            backgroundServices: []
        )
    }
}
