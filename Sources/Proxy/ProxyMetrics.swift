import Metrics
import NIOCore

/// Per-request metrics through swift-metrics (exported by whatever backend `serve` bootstraps,
/// Prometheus in production). Labels are decision tags and status classes, never raw paths;
/// metric objects are cached per event loop, so the hot path does no registry lookup or locking.
final class ProxyMetrics {
    struct Key: Hashable {
        var requestClass: String
        var decision: String
        var status: String
    }

    private var counters: [Key: Counter] = [:]
    private var durations: [Key: Timer] = [:]
    /// The most recent key's metrics: consecutive requests mostly share it, which spares hashing.
    private var last: (key: Key, counter: Counter, timer: Timer)?
    /// Upstream latency (request sent → response complete) by request class.
    private var upstreamDurations: [String: Timer] = [:]
    /// Upstream failures by kind (`unreachable`, `timeout`, `failed`, `failed_mid_response`).
    private var upstreamErrors: [String: Counter] = [:]
    /// Client connections open now (all loops add to the same gauge).
    let clientConnections = Meter(label: "freezegate_client_connections")
    /// Finished exchanges by the client's protocol.
    let http1Requests = Counter(label: "freezegate_http_requests_total", dimensions: [("protocol", "http1")])
    let http2Requests = Counter(label: "freezegate_http_requests_total", dimensions: [("protocol", "http2")])
    /// HTTP/2 connections and their streams (streams per connection is the ratio of the rates).
    let http2Connections = Counter(label: "freezegate_http2_connections_total")
    let http2Streams = Counter(label: "freezegate_http2_streams_total")
    /// Streams reset by the client (RST_STREAM received) and by the gateway (a stream error).
    let http2ClientResets = Counter(label: "freezegate_http2_resets_total", dimensions: [("by", "client")])
    let http2GatewayResets = Counter(label: "freezegate_http2_resets_total", dimensions: [("by", "gateway")])
    /// GOAWAY sent, by why: abuse (rapid reset, floods), idle, shutdown.
    let http2AbuseGoAways = Counter(label: "freezegate_http2_goaways_total", dimensions: [("reason", "abuse")])
    let http2IdleGoAways = Counter(label: "freezegate_http2_goaways_total", dimensions: [("reason", "idle")])
    let http2ShutdownGoAways = Counter(label: "freezegate_http2_goaways_total", dimensions: [("reason", "shutdown")])

    /// Records how long the upstream took to answer a request it completed.
    func recordUpstream(requestClass: String, duration: TimeAmount) {
        if let timer = self.upstreamDurations[requestClass] {
            timer.recordNanoseconds(duration.nanoseconds)
            return
        }
        let timer = Timer(label: "freezegate_upstream_duration_seconds", dimensions: [("class", requestClass)])
        self.upstreamDurations[requestClass] = timer
        timer.recordNanoseconds(duration.nanoseconds)
    }

    /// Counts an upstream failure; `outcome` is the access log's (`upstream_timeout`, …).
    func recordUpstreamError(outcome: String) {
        guard outcome.hasPrefix("upstream_") else { return }
        let kind = String(outcome.dropFirst("upstream_".count))
        if let counter = self.upstreamErrors[kind] {
            counter.increment()
            return
        }
        let counter = Counter(label: "freezegate_upstream_errors_total", dimensions: [("kind", kind)])
        self.upstreamErrors[kind] = counter
        counter.increment()
    }

    /// Counts one finished request and records its total duration.
    func record(tags: DecisionTags, status: UInt, outcome: String, duration: TimeAmount) {
        let statusClass: String
        switch status {
        case 100..<200: statusClass = "1xx"
        case 200..<300: statusClass = "2xx"
        case 300..<400: statusClass = "3xx"
        case 400..<500: statusClass = "4xx"
        case 500..<600: statusClass = "5xx"
        default: statusClass = outcome == "complete" ? "none" : "aborted"
        }
        let key = Key(requestClass: tags.requestClass, decision: tags.decision, status: statusClass)
        if let last = self.last, last.key == key {
            last.counter.increment()
            last.timer.recordNanoseconds(duration.nanoseconds)
            return
        }
        defer {
            if let counter = self.counters[key], let timer = self.durations[key] {
                self.last = (key, counter, timer)
            }
        }
        if let counter = self.counters[key], let timer = self.durations[key] {
            counter.increment()
            timer.recordNanoseconds(duration.nanoseconds)
            return
        }
        let dimensions = [("class", key.requestClass), ("decision", key.decision), ("status", key.status)]
        let counter = Counter(label: "freezegate_requests_total", dimensions: dimensions)
        let timer = Timer(label: "freezegate_request_duration_seconds", dimensions: dimensions)
        self.counters[key] = counter
        self.durations[key] = timer
        counter.increment()
        timer.recordNanoseconds(duration.nanoseconds)
    }
}
