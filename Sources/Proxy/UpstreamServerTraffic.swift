import LoopMetrics
import NIOCore

/// One event loop's share of the per-server traffic metrics, kept per loop because every forwarded
/// request updates them: `freezegate_upstream_server_requests_total{server}` (responses received)
/// and `freezegate_upstream_server_duration_seconds{server}` (request sent → response complete).
/// Made with the loop's ``UpstreamRouter``, so every server's series exists from the start at 0.
final class UpstreamServerTraffic {
    private let requests: [LoopCounter]
    private let durations: [LoopHistogram]

    init(serverLabels: [String], registry: LoopMetricsRegistry = .shared) {
        self.requests = serverLabels.map {
            registry.makeCounter("freezegate_upstream_server_requests_total", labels: [("server", $0)])
        }
        self.durations = serverLabels.map {
            registry.makeHistogram(
                "freezegate_upstream_server_duration_seconds",
                labels: [("server", $0)],
                defaultBounds: ProxyLatencyBuckets.nanoseconds
            )
        }
    }

    func requestAnswered(_ server: Int) {
        guard self.requests.indices.contains(server) else { return }
        self.requests[server].increment()
    }

    /// A response from `server` ended, `duration` after its connection was asked for.
    func responded(_ server: Int, duration: TimeAmount) {
        guard self.durations.indices.contains(server) else { return }
        self.durations[server].record(nanoseconds: duration.nanoseconds)
    }
}
