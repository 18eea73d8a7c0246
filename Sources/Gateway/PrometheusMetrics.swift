import Metrics
import Prometheus

/// swift-metrics backed by a Prometheus registry, rendered as text for the admin listener's `/metrics`.
struct PrometheusMetrics: Sendable {
    let registry: PrometheusCollectorRegistry

    /// The process-wide registry, bootstrapped into swift-metrics on first use (swift-metrics can be
    /// bootstrapped only once per process; tests share it).
    private static let shared: PrometheusMetrics = {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(CatalogMetricsFactory(registry: registry))
        Gauge(label: "freezegate_build_info", dimensions: [("version", FreezeGateVersion.current)]).record(1)
        return PrometheusMetrics(registry: registry)
    }()

    /// Bootstraps the process-wide metrics system (once; later calls return the same registry).
    /// Call before any metric is created: metrics made earlier go nowhere.
    static func bootstrap() -> PrometheusMetrics {
        shared
    }

    /// The registry's families followed by the process collector's, read now.
    func render() -> String {
        let process = ProcessStatisticsReader.read().map(ProcessMetricsText.render) ?? ""
        return registry.emitToString() + process
    }
}
