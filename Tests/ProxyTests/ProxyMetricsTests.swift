import LoopMetrics
import NIOCore
import Testing

@testable import Proxy

/// The per-request series a loop's metrics keep: each request counted under its own labels, also
/// when consecutive requests alternate between label sets (the last set is cached).
@Suite struct ProxyMetricsTests {
    static func counters(_ registry: LoopMetricsRegistry, _ name: String) -> [String: Int] {
        for reading in registry.read() where reading.family.name == name {
            if case .counter(let values) = reading.values { return values }
        }
        return [:]
    }

    static func histogramCounts(_ registry: LoopMetricsRegistry, _ name: String) -> [String: Int] {
        for reading in registry.read() where reading.family.name == name {
            if case .histogram(_, let values) = reading.values { return values.mapValues(\.count) }
        }
        return [:]
    }

    @Test func requestsAlternatingBetweenClassesAreEachCountedUnderTheirOwn() {
        let registry = LoopMetricsRegistry()
        let metrics = ProxyMetrics(registry: registry)
        let admin = DecisionTags(requestClass: "admin", decision: "block")
        let api = DecisionTags(requestClass: "api", decision: "forward")
        for tags in [admin, api, api, admin, api] {
            metrics.record(
                tags: tags,
                status: tags.decision == "block" ? 451 : 200,
                outcome: "complete",
                duration: .milliseconds(2)
            )
        }
        metrics.record(tags: api, status: 502, outcome: "upstream_failed", duration: .seconds(2))
        #expect(
            Self.counters(registry, "freezegate_requests_total") == [
                #"class="admin",decision="block",status="4xx""#: 2,
                #"class="api",decision="forward",status="2xx""#: 3,
                #"class="api",decision="forward",status="5xx""#: 1,
            ]
        )
        #expect(Self.histogramCounts(registry, "freezegate_request_duration_seconds").values.reduce(0, +) == 6)

        for requestClass in ["api", "client", "client", "api", "api"] {
            metrics.recordUpstream(requestClass: requestClass, duration: .milliseconds(3))
        }
        #expect(
            Self.histogramCounts(registry, "freezegate_upstream_duration_seconds") == [
                #"class="api""#: 3, #"class="client""#: 2,
            ]
        )
        metrics.http1Requests.increment()
        metrics.http2Requests.increment(by: 2)
        #expect(
            Self.counters(registry, "freezegate_http_requests_total") == [
                #"protocol="http1""#: 1, #"protocol="http2""#: 2,
            ]
        )
    }
}
