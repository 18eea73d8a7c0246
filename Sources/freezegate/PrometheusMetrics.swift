import Metrics
import Prometheus

/// swift-metrics backed by a Prometheus registry, rendered as text for the admin listener's `/metrics`.
struct PrometheusMetrics: Sendable {
    let registry: PrometheusCollectorRegistry

    /// Bootstraps the process-wide metrics system; call once, before any metric is created.
    static func bootstrap() -> PrometheusMetrics {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return PrometheusMetrics(registry: registry)
    }

    func render() -> String {
        registry.emitToString()
    }
}
