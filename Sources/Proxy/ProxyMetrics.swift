import LoopMetrics
import Metrics
import NIOCore

/// Per-request metrics. The series every request updates are the event loop's own
/// (``LoopCounter``, ``LoopHistogram`` in ``LoopMetricsRegistry``, added up when `/metrics` is
/// read), so the request path shares no lock and no written cache line with the other loops;
/// the per-connection and rare ones go through swift-metrics (exported by whatever backend `serve`
/// bootstraps, Prometheus in production). Labels are decision tags and status classes, never raw
/// paths; metric objects are cached, so the hot path does no registry lookup.
final class ProxyMetrics {
    struct Key: Hashable {
        var requestClass: String
        var decision: String
        var status: String
    }

    private let registry: LoopMetricsRegistry
    private var counters: [Key: LoopCounter] = [:]
    private var durations: [Key: LoopHistogram] = [:]
    /// The most recent key's metrics: consecutive requests mostly share it, which spares hashing.
    private var last: (key: Key, counter: LoopCounter, histogram: LoopHistogram)?
    /// Upstream latency (request sent → response complete) by request class.
    private var upstreamDurations: [String: LoopHistogram] = [:]
    /// The most recent class's upstream histogram (consecutive requests mostly share it).
    private var lastUpstream: (requestClass: String, histogram: LoopHistogram)?
    /// Upstream failures by kind (`unreachable`, `timeout`, `failed`, `failed_mid_response`,
    /// `timeout_mid_response`).
    private var upstreamErrors: [String: Counter] = [:]
    /// Client connections open now (all loops add to the same gauge).
    let clientConnections = Meter(label: "freezegate_client_connections")
    /// Finished exchanges by the client's protocol.
    let http1Requests: LoopCounter
    let http2Requests: LoopCounter
    /// HTTP/2 connections and their streams (streams per connection is the ratio of the rates).
    let http2Connections = Counter(label: "freezegate_http2_connections_total")
    let http2Streams: LoopCounter
    /// Streams reset by the client (RST_STREAM received) and by the gateway (a stream error).
    let http2ClientResets = Counter(label: "freezegate_http2_resets_total", dimensions: [("by", "client")])
    let http2GatewayResets = Counter(label: "freezegate_http2_resets_total", dimensions: [("by", "gateway")])
    /// GOAWAY sent, by why: abuse (rapid reset, floods), idle, shutdown.
    let http2AbuseGoAways = Counter(label: "freezegate_http2_goaways_total", dimensions: [("reason", "abuse")])
    let http2IdleGoAways = Counter(label: "freezegate_http2_goaways_total", dimensions: [("reason", "idle")])
    let http2ShutdownGoAways = Counter(label: "freezegate_http2_goaways_total", dimensions: [("reason", "shutdown")])

    init(registry: LoopMetricsRegistry = .shared) {
        self.registry = registry
        self.http1Requests = registry.makeCounter("freezegate_http_requests_total", labels: [("protocol", "http1")])
        self.http2Requests = registry.makeCounter("freezegate_http_requests_total", labels: [("protocol", "http2")])
        self.http2Streams = registry.makeCounter("freezegate_http2_streams_total", labels: [])
    }

    /// Records how long the upstream took to answer a request it completed.
    func recordUpstream(requestClass: String, duration: TimeAmount) {
        if let last = self.lastUpstream, last.requestClass == requestClass {
            last.histogram.record(nanoseconds: duration.nanoseconds)
            return
        }
        let histogram: LoopHistogram
        if let known = self.upstreamDurations[requestClass] {
            histogram = known
        } else {
            histogram = self.registry.makeHistogram(
                "freezegate_upstream_duration_seconds",
                labels: [("class", requestClass)],
                defaultBounds: ProxyLatencyBuckets.nanoseconds
            )
            self.upstreamDurations[requestClass] = histogram
        }
        self.lastUpstream = (requestClass, histogram)
        histogram.record(nanoseconds: duration.nanoseconds)
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
            last.histogram.record(nanoseconds: duration.nanoseconds)
            return
        }
        let counter: LoopCounter
        let histogram: LoopHistogram
        if let known = self.counters[key], let knownHistogram = self.durations[key] {
            counter = known
            histogram = knownHistogram
        } else {
            let labels = [("class", key.requestClass), ("decision", key.decision), ("status", key.status)]
            counter = self.registry.makeCounter("freezegate_requests_total", labels: labels)
            histogram = self.registry.makeHistogram(
                "freezegate_request_duration_seconds",
                labels: labels,
                defaultBounds: ProxyLatencyBuckets.nanoseconds
            )
            self.counters[key] = counter
            self.durations[key] = histogram
        }
        self.last = (key, counter, histogram)
        counter.increment()
        histogram.record(nanoseconds: duration.nanoseconds)
    }
}
