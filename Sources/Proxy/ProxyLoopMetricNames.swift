/// The metric families the proxy keeps per event loop (``ProxyMetrics``, ``UpstreamServerTraffic``)
/// in the process-wide `LoopMetricsRegistry`: `serve` gives them their help text and buckets and
/// declares their zero series there, not in swift-metrics'.
public enum ProxyLoopMetricNames {
    public static let all: Set<String> = [
        "freezegate_requests_total", "freezegate_request_duration_seconds", "freezegate_upstream_duration_seconds",
        "freezegate_http_requests_total", "freezegate_http2_streams_total",
        "freezegate_upstream_server_requests_total", "freezegate_upstream_server_duration_seconds",
    ]
}
