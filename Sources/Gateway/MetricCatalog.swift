import Proxy

/// Every metric family `freezegate serve` exports, with its help text.
///
/// `CatalogMetricsFactory` looks the help text and buckets up here when swift-metrics creates a
/// metric; `ProcessMetricsText` renders the `process_*` families itself (they are read from /proc
/// at each scrape rather than kept in the registry). docs/METRICS.md lists the same names, and a
/// test keeps the two in agreement with a real scrape.
enum MetricCatalog {
    /// The proxy's latency buckets (``ProxyLatencyBuckets``), for the histograms described here.
    static let proxyLatencyBuckets: [Duration] = ProxyLatencyBuckets.nanoseconds.map { .nanoseconds($0) }

    static let gateway: [MetricDefinition] = [
        MetricDefinition(
            name: "freezegate_build_info",
            kind: .gauge,
            help: "Always 1; the version label names the running release.",
            labels: ["version"]
        ),
        MetricDefinition(
            name: "freezegate_requests_total",
            kind: .counter,
            help: "Finished requests by request class, decision and response status class.",
            labels: ["class", "decision", "status"]
        ),
        MetricDefinition(
            name: "freezegate_request_duration_seconds",
            kind: .histogram,
            help: "Time from a request's first byte to the end of its response.",
            labels: ["class", "decision", "status"],
            buckets: proxyLatencyBuckets
        ),
        MetricDefinition(
            name: "freezegate_upstream_duration_seconds",
            kind: .histogram,
            help: "Time from asking for an upstream connection to the end of the upstream's response.",
            labels: ["class"],
            buckets: proxyLatencyBuckets
        ),
        MetricDefinition(
            name: "freezegate_upstream_errors_total",
            kind: .counter,
            help: "Forwarded requests that failed on the upstream side, by kind.",
            labels: ["kind"]
        ),
        MetricDefinition(
            name: "freezegate_upstream_server_requests_total",
            kind: .counter,
            help: "Response heads received from each upstream server.",
            labels: ["server"]
        ),
        MetricDefinition(
            name: "freezegate_upstream_server_errors_total",
            kind: .counter,
            help: "Connect failures, resets and response timeouts of each upstream server.",
            labels: ["server", "kind"]
        ),
        MetricDefinition(
            name: "freezegate_upstream_server_duration_seconds",
            kind: .histogram,
            help: "Time from asking for a connection to an upstream server to the end of its response.",
            labels: ["server"],
            buckets: proxyLatencyBuckets
        ),
        MetricDefinition(
            name: "freezegate_upstream_server_up",
            kind: .gauge,
            help: "1 while the upstream server is in service, 0 while passive or active health keeps it out.",
            labels: ["server"]
        ),
        MetricDefinition(
            name: "freezegate_upstream_group_servers_up",
            kind: .gauge,
            help: "Servers of the upstream group in service.",
            labels: ["group"]
        ),
        MetricDefinition(
            name: "freezegate_client_connections",
            kind: .gauge,
            help: "Client connections open now."
        ),
        MetricDefinition(
            name: "freezegate_http_requests_total",
            kind: .counter,
            help: "Finished client exchanges by the client's protocol (an HTTP/2 stream is one).",
            labels: ["protocol"]
        ),
        MetricDefinition(
            name: "freezegate_http2_connections_total",
            kind: .counter,
            help: "HTTP/2 connections accepted on the HTTPS listener."
        ),
        MetricDefinition(
            name: "freezegate_http2_streams_total",
            kind: .counter,
            help: "HTTP/2 streams opened by clients."
        ),
        MetricDefinition(
            name: "freezegate_http2_resets_total",
            kind: .counter,
            help: "HTTP/2 streams reset, by who reset them (client, gateway).",
            labels: ["by"]
        ),
        MetricDefinition(
            name: "freezegate_http2_goaways_total",
            kind: .counter,
            help: "GOAWAY frames the gateway sent to end HTTP/2 connections, by reason (abuse, idle, shutdown).",
            labels: ["reason"]
        ),
        MetricDefinition(
            name: "freezegate_upstream_connections",
            kind: .gauge,
            help: "Upstream connections open now (idle in the pool, in use, or tunnelling)."
        ),
        MetricDefinition(
            name: "freezegate_blocked_total",
            kind: .counter,
            help: "Requests answered with the blocked response, by reason.",
            labels: ["reason"]
        ),
        MetricDefinition(
            name: "freezegate_rejected_total",
            kind: .counter,
            help: "Requests the gate refused with 400 and did not forward, by reason.",
            labels: ["reason"]
        ),
        MetricDefinition(
            name: "freezegate_profile_reloads_total",
            kind: .counter,
            help: "SIGHUP reloads of the routing profile, by result.",
            labels: ["result"]
        ),
        MetricDefinition(
            name: "freezegate_certificate_reloads_total",
            kind: .counter,
            help: "SIGHUP reloads of the TLS certificates, by result.",
            labels: ["result"]
        ),
        MetricDefinition(
            name: "freezegate_ready",
            kind: .gauge,
            help: "1 once a full tenant snapshot is loaded (what /readyz answers), else 0."
        ),
        MetricDefinition(
            name: "freezegate_tenants_loaded",
            kind: .gauge,
            help: "Tenants in the current snapshot."
        ),
        MetricDefinition(
            name: "freezegate_tenants",
            kind: .gauge,
            help: "Tenants of the snapshot by their state at the last refresh.",
            labels: ["state"]
        ),
        MetricDefinition(
            name: "freezegate_mail_requests",
            kind: .gauge,
            help:
                "Freeze requests by e-mail recorded in the database, by outcome and (for refusals) the rule's SQLSTATE; read every 15 s.",
            labels: ["outcome", "sqlstate"]
        ),
        MetricDefinition(
            name: "freezegate_snapshot_age_seconds",
            kind: .gauge,
            help: "Seconds since the snapshot was last known to agree with PostgreSQL (0 before the first load)."
        ),
        MetricDefinition(
            name: "freezegate_database_connected",
            kind: .gauge,
            help: "1 while the LISTEN connection and the query connection to PostgreSQL are up."
        ),
        MetricDefinition(
            name: "freezegate_notifications_received_total",
            kind: .counter,
            help: "NOTIFY messages received on the change channel."
        ),
        MetricDefinition(
            name: "freezegate_notifications_applied_total",
            kind: .counter,
            help: "Tenant records reloaded into the snapshot because of notifications."
        ),
        MetricDefinition(
            name: "freezegate_snapshot_incremental_reloads_total",
            kind: .counter,
            help: "Batched reload queries run for notifications."
        ),
        MetricDefinition(
            name: "freezegate_snapshot_full_loads_total",
            kind: .counter,
            help: "Full snapshot loads: the first, the resync after each reconnect, the periodic resyncs."
        ),
        MetricDefinition(
            name: "freezegate_snapshot_periodic_resyncs_total",
            kind: .counter,
            help: "Periodic full resyncs (the backstop against lost notifications)."
        ),
        MetricDefinition(
            name: "freezegate_snapshot_resync_corrections_total",
            kind: .counter,
            help: "Tenants a periodic resync found different from the snapshot (missed notifications)."
        ),
        MetricDefinition(
            name: "freezegate_database_reconnects_total",
            kind: .counter,
            help: "PostgreSQL connections re-established after a loss."
        ),
        MetricDefinition(
            name: "freezegate_database_connection_failures_total",
            kind: .counter,
            help: "Failed attempts to reach PostgreSQL and connections that ended with an error."
        ),
        MetricDefinition(
            name: "freezegate_access_log_dropped_lines_total",
            kind: .counter,
            help: "Access-log lines dropped because the writer fell behind or a write failed."
        ),
        MetricDefinition(
            name: "freezegate_tls_handshakes_total",
            kind: .counter,
            help: "Completed TLS handshakes on the HTTPS listener, by protocol version.",
            labels: ["version"]
        ),
        MetricDefinition(
            name: "freezegate_tls_handshake_failures_total",
            kind: .counter,
            help: "Failed TLS handshakes on the HTTPS listener, by reason.",
            labels: ["reason"]
        ),
        MetricDefinition(
            name: "freezegate_tls_certificate_not_after_seconds",
            kind: .gauge,
            help: "When each loaded certificate expires, as a Unix time.",
            labels: ["certificate"]
        ),
    ]

    /// The process collector's families, named as every Prometheus client library names them.
    static let process: [MetricDefinition] = [
        MetricDefinition(
            name: "process_cpu_seconds_total",
            kind: .counter,
            help: "Total user and system CPU time spent in seconds."
        ),
        MetricDefinition(
            name: "process_resident_memory_bytes",
            kind: .gauge,
            help: "Resident memory size in bytes."
        ),
        MetricDefinition(
            name: "process_virtual_memory_bytes",
            kind: .gauge,
            help: "Virtual memory size in bytes."
        ),
        MetricDefinition(
            name: "process_open_fds",
            kind: .gauge,
            help: "Number of open file descriptors."
        ),
        MetricDefinition(
            name: "process_max_fds",
            kind: .gauge,
            help: "Maximum number of open file descriptors."
        ),
        MetricDefinition(
            name: "process_start_time_seconds",
            kind: .gauge,
            help: "Start time of the process since unix epoch in seconds."
        ),
    ]

    static let all: [MetricDefinition] = gateway + process

    private static let byName: [String: MetricDefinition] = Dictionary(
        all.map { ($0.name, $0) },
        uniquingKeysWith: { first, _ in first }
    )

    static func definition(named name: String) -> MetricDefinition? {
        byName[name]
    }
}
