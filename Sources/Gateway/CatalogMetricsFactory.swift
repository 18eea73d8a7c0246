import CoreMetrics
import Prometheus

/// A swift-metrics backend over a Prometheus registry that takes each family's help text and
/// histogram buckets from `MetricCatalog`.
///
/// swift-prometheus' own `PrometheusMetricsFactory` registers every metric without help text, and
/// its registry refuses a second registration of a name with different help, so the help must be
/// attached at the one place where swift-metrics creates the handlers: here. A name missing from
/// the catalog still works (no `# HELP` line); the metrics tests make sure none is missing.
struct CatalogMetricsFactory: MetricsFactory {
    let registry: PrometheusCollectorRegistry

    /// Used for a timer the catalog has no buckets for.
    static let fallbackBuckets = MetricCatalog.proxyLatencyBuckets

    private func descriptor(_ name: String) -> MetricNameDescriptor {
        MetricNameDescriptor(
            metricName: name,
            unitName: "",
            helpText: MetricCatalog.definition(named: name)?.help ?? ""
        )
    }

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        registry.makeCounter(descriptor: descriptor(label), labels: dimensions)
    }

    func makeFloatingPointCounter(
        label: String,
        dimensions: [(String, String)]
    ) -> any FloatingPointCounterHandler {
        registry.makeCounter(descriptor: descriptor(label), labels: dimensions)
    }

    func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        registry.makeGauge(descriptor: descriptor(label), labels: dimensions)
    }

    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        guard aggregate else {
            return registry.makeGauge(descriptor: descriptor(label), labels: dimensions)
        }
        // No recorder of the gateway aggregates; seconds-valued buckets fit whatever might.
        let buckets = (MetricCatalog.definition(named: label)?.buckets ?? Self.fallbackBuckets).map {
            Double($0.components.seconds) + Double($0.components.attoseconds) / 1e18
        }
        return registry.makeValueHistogram(descriptor: descriptor(label), labels: dimensions, buckets: buckets)
    }

    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        let catalogued = MetricCatalog.definition(named: label)?.buckets ?? []
        let buckets = catalogued.isEmpty ? Self.fallbackBuckets : catalogued
        return registry.makeDurationHistogram(descriptor: descriptor(label), labels: dimensions, buckets: buckets)
    }

    func destroyCounter(_ handler: any CounterHandler) {
        if let counter = handler as? Prometheus.Counter { registry.unregisterCounter(counter) }
    }

    func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) {
        if let counter = handler as? Prometheus.Counter { registry.unregisterCounter(counter) }
    }

    func destroyMeter(_ handler: any MeterHandler) {
        if let gauge = handler as? Prometheus.Gauge { registry.unregisterGauge(gauge) }
    }

    func destroyRecorder(_ handler: any RecorderHandler) {
        switch handler {
        case let gauge as Prometheus.Gauge: registry.unregisterGauge(gauge)
        case let histogram as ValueHistogram: registry.unregisterValueHistogram(histogram)
        default: break
        }
    }

    func destroyTimer(_ handler: any TimerHandler) {
        if let histogram = handler as? DurationHistogram { registry.unregisterDurationHistogram(histogram) }
    }
}
