import Gate
import Logging
import Postgres
import Proxy
import ServiceLifecycle
import TenantModel
import TenantState

/// What `freezegate serve` runs besides the listeners: the Gate as the decision seam (swappable
/// through `gateStore` for SIGHUP reloads), the live tenant state (its PostgreSQL sync as a
/// background service), readiness and metrics.
package struct GatewayServices {
    package var decider: any RequestDecider
    package var gateStore: GateStore
    package var readiness: @Sendable () -> Bool
    package var metrics: @Sendable () -> String
    package var backgroundServices: [any Service]

    package static func build(
        databaseURL: String,
        profile: RouteProfile,
        baseDomains: [String],
        logger: Logger
    ) -> GatewayServices {
        let clock = SystemWallClock()
        let prometheus = PrometheusMetrics.bootstrap()
        InitialCounterSeries.registerAll(for: profile)
        let database = PostgresConfiguration(connectionString: databaseURL, applicationName: "freezegate")
        let sync = TenantStateSync(
            configuration: TenantStateSyncConfiguration(database: database),
            clock: clock,
            logger: logger
        )
        let cache = sync.cache
        let store = GateStore(Gate(profile: profile, baseDomains: baseDomains))
        let stateMetrics = TenantStateMetrics()
        return GatewayServices(
            decider: GateDecider(store: store, snapshots: .cache(cache), clock: clock),
            gateStore: store,
            readiness: { cache.isReady },
            metrics: {
                stateMetrics.updateLiveGauges(cache: cache, now: clock.now())
                return prometheus.render()
            },
            backgroundServices: [
                sync, TenantStateMetricsRefresher(metrics: stateMetrics, cache: cache, clock: clock),
                MailRequestMetricsRefresher(
                    database: PostgresConfiguration(
                        connectionString: databaseURL,
                        applicationName: "freezegate-metrics"
                    ),
                    metrics: MailRequestMetrics(),
                    logger: logger
                ),
            ]
        )
    }
}
