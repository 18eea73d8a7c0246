import Gate
import LoopMetrics
import Metrics
import Proxy

/// The counter series that exist from the start at 0, one per known label value.
///
/// A counter that first appears at 1 hides its first increment from `rate()` and `increase()`, and
/// a dashboard panel or alert over a series that does not exist yet shows "no data" instead of 0.
/// So every counter with a bounded set of label values is created when `serve` starts. For
/// `freezegate_requests_total`, whose three labels multiply, only the combinations the gateway
/// can produce are created (every class forwarded with each status class, blocked with the
/// profile's block status, and the proxy's own answers); together they still carry every known
/// value of each label. Histograms are created on first use: pre-creating theirs would multiply
/// those series by the bucket count.
struct InitialCounterSeries: Hashable, Sendable {
    var name: String
    var labels: [String: String]

    static let upstreamErrorKinds = [
        "unreachable", "unavailable", "timeout", "failed", "failed_mid_response", "timeout_mid_response",
    ]
    static let blockReasons = ["tenant_frozen", "license_expired", "state_unknown"]
    static let rejectReasons = [
        "missing_host", "multiple_hosts", "invalid_host", "unsupported_target", "ambiguous_target",
    ]
    static let reloadResults = ["ok", "failed"]
    static let tlsVersions = ["1.2", "1.3"]
    static let forwardStatusClasses = ["1xx", "2xx", "3xx", "4xx", "5xx", "aborted"]
    static let gatewayStatusClasses = ["4xx", "5xx", "none", "aborted"]

    /// The status class label of a status code, as the proxy's request counter writes it.
    static func statusClass(_ status: Int) -> String {
        switch status {
        case 100..<200: "1xx"
        case 200..<300: "2xx"
        case 300..<400: "3xx"
        case 400..<500: "4xx"
        default: "5xx"
        }
    }

    /// Every series to create for a gateway running `profile`.
    static func all(profile: RouteProfile, tlsFailureReasons: [String]) -> [InitialCounterSeries] {
        var series: [InitialCounterSeries] = []
        func add(_ name: String, _ labels: [String: String] = [:]) {
            series.append(InitialCounterSeries(name: name, labels: labels))
        }
        let classNames = profile.classes.map(\.name) + [profile.unknownClass.name]
        for name in classNames {
            for status in forwardStatusClasses {
                add("freezegate_requests_total", ["class": name, "decision": "forward", "status": status])
            }
            add(
                "freezegate_requests_total",
                ["class": name, "decision": "block", "status": statusClass(profile.blockStatus)]
            )
            if profile.httpsRedirectClasses.contains(name) {
                add("freezegate_requests_total", ["class": name, "decision": "redirect", "status": "3xx"])
            }
        }
        add("freezegate_requests_total", ["class": "none", "decision": "reject", "status": "4xx"])
        for status in gatewayStatusClasses {
            add("freezegate_requests_total", ["class": "none", "decision": "gateway", "status": status])
        }
        for kind in upstreamErrorKinds { add("freezegate_upstream_errors_total", ["kind": kind]) }
        for reason in blockReasons { add("freezegate_blocked_total", ["reason": reason]) }
        for reason in rejectReasons { add("freezegate_rejected_total", ["reason": reason]) }
        for result in reloadResults {
            add("freezegate_profile_reloads_total", ["result": result])
            add("freezegate_certificate_reloads_total", ["result": result])
        }
        // Created by the access-log writer only when there is one; 0 says "nothing dropped" either way.
        add("freezegate_access_log_dropped_lines_total")
        for version in tlsVersions { add("freezegate_tls_handshakes_total", ["version": version]) }
        for httpProtocol in ["http1", "http2"] { add("freezegate_http_requests_total", ["protocol": httpProtocol]) }
        add("freezegate_http2_connections_total")
        add("freezegate_http2_streams_total")
        for by in ["client", "gateway"] { add("freezegate_http2_resets_total", ["by": by]) }
        for reason in ["abuse", "idle", "shutdown"] { add("freezegate_http2_goaways_total", ["reason": reason]) }
        for reason in tlsFailureReasons { add("freezegate_tls_handshake_failures_total", ["reason": reason]) }
        return series
    }

    /// Creates every series for `profile` (at start-up, and after a profile reload, when new
    /// classes may have appeared).
    static func registerAll(for profile: RouteProfile) {
        for series in all(profile: profile, tlsFailureReasons: TLSMetrics.failureReasons) {
            series.register()
        }
    }

    /// Creates the counter through swift-metrics (a no-op when it exists already; its value is
    /// kept). Labels are passed in the catalog's order, which is the order of the code that
    /// increments the counter: the registry tells label sets apart by their order too, so another
    /// order would export a second series with the same labels.
    /// The families kept per event loop are declared in the loop registry instead.
    func register() {
        let order = MetricCatalog.definition(named: name)?.labels ?? labels.keys.sorted()
        let dimensions = order.compactMap { key in labels[key].map { (key, $0) } }
        if PrometheusMetrics.loopFamilyNames.contains(name) {
            LoopMetricsRegistry.shared.declareCounter(name, labels: dimensions)
        } else {
            _ = Counter(label: name, dimensions: dimensions)
        }
    }
}
