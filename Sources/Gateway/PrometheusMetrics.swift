import LoopMetrics
import Metrics
import Prometheus
import Proxy

/// swift-metrics backed by a Prometheus registry, and the proxy's per-loop families, rendered as
/// text for the admin listener's `/metrics`.
struct PrometheusMetrics: Sendable {
    let registry: PrometheusCollectorRegistry
    let loopRegistry: LoopMetricsRegistry

    /// The process-wide registry, bootstrapped into swift-metrics on first use (swift-metrics can be
    /// bootstrapped only once per process; tests share it).
    private static let shared: PrometheusMetrics = {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(CatalogMetricsFactory(registry: registry))
        Gauge(label: "freezegate_build_info", dimensions: [("version", FreezeGateVersion.current)]).record(1)
        LoopMetricsRegistry.shared.describe(loopFamilies)
        return PrometheusMetrics(registry: registry, loopRegistry: .shared)
    }()

    /// Bootstraps the process-wide metrics system (once; later calls return the same registry).
    /// Call before any metric is created: metrics made earlier go nowhere.
    static func bootstrap() -> PrometheusMetrics {
        shared
    }

    /// The families each event loop counts for itself: the proxy's per-request ones and the Gate's
    /// answers.
    static let loopFamilyNames = ProxyLoopMetricNames.all.union(GateAnswerMetrics.familyNames)

    /// The catalog's entries for the families kept per event loop.
    static var loopFamilies: [LoopMetricFamily] {
        MetricCatalog.all.filter { loopFamilyNames.contains($0.name) }.map { definition in
            LoopMetricFamily(
                name: definition.name,
                kind: definition.kind == .histogram ? .histogram : .counter,
                help: definition.help,
                bounds: definition.buckets.map {
                    $0.components.seconds * 1_000_000_000 + $0.components.attoseconds / 1_000_000_000
                }
            )
        }
    }

    /// The registry's families, the per-loop ones added up, then the process collector's, read now.
    func render() -> String {
        let process = ProcessStatisticsReader.read().map(ProcessMetricsText.render) ?? ""
        return registry.emitToString() + loopRegistry.render() + process
    }
}
