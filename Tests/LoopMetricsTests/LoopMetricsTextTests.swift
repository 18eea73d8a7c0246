import LoopMetrics
import Testing

@Suite("per-loop families as Prometheus text")
struct LoopMetricsTextTests {
    @Test func aCounterAndAHistogramRenderAsSwiftPrometheusWritesThem() {
        let counter = LoopFamilyReading(
            family: LoopMetricFamily(name: "demo_requests_total", kind: .counter, help: "Requests \\ done."),
            values: .counter([#"status="5xx""#: 1, #"status="2xx""#: 7])
        )
        let histogram = LoopFamilyReading(
            family: LoopMetricFamily(name: "demo_seconds", kind: .histogram, help: ""),
            values: .histogram(
                bounds: [500_000, 1_000_000_000],
                [#"class="api""#: LoopHistogramCounts(buckets: [2, 1, 1], nanoseconds: 61_000_500_000)]
            )
        )
        let unlabelled = LoopFamilyReading(
            family: LoopMetricFamily(name: "demo_total", kind: .counter, help: "Plain."),
            values: .counter(["": 0])
        )
        #expect(
            LoopMetricsText.render([counter, histogram, unlabelled]) == """
                # HELP demo_requests_total Requests \\\\ done.
                # TYPE demo_requests_total counter
                demo_requests_total{status="2xx"} 7
                demo_requests_total{status="5xx"} 1
                # TYPE demo_seconds histogram
                demo_seconds_bucket{class="api",le="0.0005"} 2
                demo_seconds_bucket{class="api",le="1.0"} 3
                demo_seconds_bucket{class="api",le="+Inf"} 4
                demo_seconds_sum{class="api"} 61.0005
                demo_seconds_count{class="api"} 4
                # HELP demo_total Plain.
                # TYPE demo_total counter
                demo_total 0

                """
        )
    }

    @Test func labelValuesAreEscaped() {
        #expect(LoopMetricsText.labels([("a", "x"), ("b", "say \"hi\"\\\n")]) == #"a="x",b="say \"hi\"\\\n""#)
        #expect(LoopMetricsText.labels([]) == "")
    }
}
