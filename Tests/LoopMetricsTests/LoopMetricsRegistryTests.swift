import LoopMetrics
import Testing

@Suite("the per-loop metrics registry")
struct LoopMetricsRegistryTests {
    static let requests = LoopMetricFamily(name: "demo_requests_total", kind: .counter, help: "Requests.")
    static let latency = LoopMetricFamily(
        name: "demo_latency_seconds",
        kind: .histogram,
        help: "Latency.",
        bounds: [1_000_000, 10_000_000]
    )

    @Test func theLoopsCellsOfOneSeriesAreExportedAsTheirSum() {
        let registry = LoopMetricsRegistry()
        registry.describe([Self.requests, Self.latency])
        let first = registry.makeCounter("demo_requests_total", labels: [("class", "api")])
        let second = registry.makeCounter("demo_requests_total", labels: [("class", "api")])
        let other = registry.makeCounter("demo_requests_total", labels: [("class", "admin")])
        first.increment(by: 3)
        second.increment(by: 4)
        other.increment()
        let firstLatency = registry.makeHistogram("demo_latency_seconds", labels: [], defaultBounds: [5])
        let secondLatency = registry.makeHistogram("demo_latency_seconds", labels: [], defaultBounds: [5])
        #expect(firstLatency.bounds == [1_000_000, 10_000_000], "the described bounds, not the default")
        firstLatency.record(nanoseconds: 500_000)
        secondLatency.record(nanoseconds: 2_000_000)
        secondLatency.record(nanoseconds: 20_000_000)
        #expect(
            registry.read() == [
                LoopFamilyReading(
                    family: Self.latency,
                    values: .histogram(
                        bounds: [1_000_000, 10_000_000],
                        ["": LoopHistogramCounts(buckets: [1, 1, 1], nanoseconds: 22_500_000)]
                    )
                ),
                LoopFamilyReading(
                    family: Self.requests,
                    values: .counter([#"class="admin""#: 1, #"class="api""#: 7])
                ),
            ]
        )
    }

    @Test func aDeclaredSeriesIsExportedAtZeroUntilALoopCountsIt() {
        let registry = LoopMetricsRegistry()
        registry.describe([Self.requests])
        #expect(registry.render().isEmpty, "a described family without series is not exported")
        registry.declareCounter("demo_requests_total", labels: [("class", "api")])
        registry.declareCounter("demo_requests_total", labels: [("class", "api")])
        #expect(registry.render().contains("demo_requests_total{class=\"api\"} 0\n"))
        registry.makeCounter("demo_requests_total", labels: [("class", "api")]).increment()
        registry.declareCounter("demo_requests_total", labels: [("class", "api")])
        #expect(registry.render().contains("demo_requests_total{class=\"api\"} 1\n"), "declaring again keeps the count")
    }

    @Test func aFamilyNotDescribedIsExportedWithoutHelpAndItsFirstBounds() {
        let registry = LoopMetricsRegistry()
        registry.makeHistogram("demo_seconds", labels: [], defaultBounds: [2_000, 1_000]).record(nanoseconds: 1_500)
        let later = registry.makeHistogram("demo_seconds", labels: [], defaultBounds: [7])
        #expect(later.bounds == [1_000, 2_000], "one family, one set of bounds")
        let text = registry.render()
        #expect(!text.contains("# HELP"))
        #expect(text.contains("# TYPE demo_seconds histogram\n"))
        #expect(text.contains(#"demo_seconds_bucket{le="0.000002"} 1"#))
        #expect(text.contains("demo_seconds_count 1\n"))
    }
}
