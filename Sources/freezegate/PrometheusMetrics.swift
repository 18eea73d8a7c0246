import Metrics
import Prometheus

/// swift-metrics backed by a Prometheus registry, rendered as text for the admin listener's `/metrics`.
struct PrometheusMetrics: Sendable {
    let registry: PrometheusCollectorRegistry

    /// The process-wide registry, bootstrapped into swift-metrics on first use (swift-metrics can be
    /// bootstrapped only once per process; tests share it).
    private static let shared: PrometheusMetrics = {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return PrometheusMetrics(registry: registry)
    }()

    /// Bootstraps the process-wide metrics system (once; later calls return the same registry).
    /// Call before any metric is created: metrics made earlier go nowhere.
    static func bootstrap() -> PrometheusMetrics {
        shared
    }

    func render() -> String {
        registry.emitToString()
    }
}
