import Gate
import Testing

@testable import Gateway

/// The request counters created at start follow the profile: its classes, its block status and
/// its HTTPS-redirect classes.
@Suite("counters created at start")
struct InitialCounterSeriesTests {
    static let profileText = """
        block_status: 451
        https_redirect: [billing]
        classes:
          - name: billing
            patterns:
              - /billing/**
            action: block
        """

    static func requests(_ series: [InitialCounterSeries]) -> Set<[String: String]> {
        Set(series.filter { $0.name == "freezegate_requests_total" }.map(\.labels))
    }

    @Test func aCustomProfilesClassesBlockStatusAndRedirectsGetTheirCounters() throws {
        let profile = try RouteProfile(yaml: Self.profileText) { _ in "" }
        let series = InitialCounterSeries.all(profile: profile, tlsFailureReasons: ["other"])
        let requests = Self.requests(series)
        for status in ["1xx", "2xx", "3xx", "4xx", "5xx", "aborted"] {
            #expect(requests.contains(["class": "billing", "decision": "forward", "status": status]))
            #expect(requests.contains(["class": "unknown", "decision": "forward", "status": status]))
        }
        #expect(requests.contains(["class": "billing", "decision": "block", "status": "4xx"]))
        #expect(requests.contains(["class": "billing", "decision": "redirect", "status": "3xx"]))
        #expect(!requests.contains(["class": "unknown", "decision": "redirect", "status": "3xx"]))
        #expect(!requests.contains { $0["class"] == "admin" }, "the built-in classes are not this profile's")
        #expect(
            series.contains(
                InitialCounterSeries(name: "freezegate_tls_handshake_failures_total", labels: ["reason": "other"])
            )
        )
        #expect(Set(series).count == series.count, "no series twice")
    }

    @Test func everySeriesNamesACataloguedCounterWithItsLabels() {
        for series in InitialCounterSeries.all(profile: .alfaCRM, tlsFailureReasons: ["other"]) {
            let definition = MetricCatalog.definition(named: series.name)
            #expect(definition?.kind == .counter, "\(series.name)")
            #expect(Set(definition?.labels ?? []) == Set(series.labels.keys), "\(series.name)")
        }
    }

    @Test func statusClasses() {
        #expect(InitialCounterSeries.statusClass(403) == "4xx")
        #expect(InitialCounterSeries.statusClass(503) == "5xx")
        #expect(InitialCounterSeries.statusClass(308) == "3xx")
    }
}
