import Foundation
import Logging
import NIOCore
import NIOPosix
import Proxy
import TenantState
import TestSupport
import Testing

@testable import Gateway

/// `/metrics` moves when requests flow: the whole gateway (real PostgreSQL, Gate, proxy) with the
/// process-wide Prometheus registry, scraped as text.
///
/// The registry is shared with every other test of this process, so values are compared as
/// "grew by at least" what this test caused, never as exact totals.
@Suite("Metrics scrape", .serialized, .timeLimit(.minutes(3)))
struct MetricsScrapeTests {
    /// The value of one series (`name{labels}`), 0 when it has not been created yet.
    static func value(_ series: String, in text: String) -> Double {
        for line in text.split(separator: "\n") where line.hasPrefix(series + " ") {
            return Double(line.dropFirst(series.count + 1)) ?? .nan
        }
        return 0
    }

    @Test func requestCountersLatencyBlocksAndTenantGaugesMove() async throws {
        let prometheus = PrometheusMetrics.bootstrap()
        let harness = try await GatewayHarness.start()
        defer { Task { await harness.stop() } }
        let before = prometheus.render()
        let admin = "freezegate_requests_total{class=\"admin\",decision=\"block\",status=\"4xx\"}"
        let client = "freezegate_requests_total{class=\"client\",decision=\"forward\",status=\"2xx\"}"
        let frozen = "freezegate_blocked_total{reason=\"tenant_frozen\"}"
        let expired = "freezegate_blocked_total{reason=\"license_expired\"}"
        let latency = "freezegate_upstream_duration_seconds_count{class=\"client\"}"
        let server = "127.0.0.1:\(harness.upstream.address?.port ?? 0)"
        let serverRequests = "freezegate_upstream_server_requests_total{server=\"\(server)\"}"
        let serverLatency = "freezegate_upstream_server_duration_seconds_count{server=\"\(server)\"}"
        let serverUp = "freezegate_upstream_server_up{server=\"\(server)\"}"

        for _ in 0..<3 {
            #expect(try await harness.send("/company/1/dashboard", host: "school.s20.online")?.status == 403)
        }
        #expect(try await harness.send("/company/1/dashboard", host: "oldschool.s20.online")?.status == 403)
        for _ in 0..<2 {
            #expect(try await harness.send("/customer/1/schedule", host: "acme.s20.online")?.status == 200)
        }
        // A keep-alive client connection stays open while we scrape.
        let open = try await TestSupport.RawHTTPConnection.connect(to: harness.proxyAddress, group: harness.group)
        try await open.send("GET /customer/1/x HTTP/1.1\r\nHost: acme.s20.online\r\n\r\n")
        #expect(await open.waitForResponses(1).first?.status == 200)

        // The access log line (and so the metrics) is written as the response ends: poll.
        try await harness.waitUntil("the request counters moved") {
            let text = prometheus.render()
            return Self.value(admin, in: text) >= Self.value(admin, in: before) + 3
                && Self.value(client, in: text) >= Self.value(client, in: before) + 3
        }
        let stateMetrics = TenantStateMetrics()
        stateMetrics.update(cache: harness.sync.cache, now: Date())
        let after = prometheus.render()
        // Per server: responses, their latency, and in service.
        #expect(Self.value(serverRequests, in: after) >= 3)
        #expect(Self.value(serverLatency, in: after) >= 3)
        #expect(Self.value(serverUp, in: after) == 1)
        #expect(Self.value(frozen, in: after) >= Self.value(frozen, in: before) + 3)
        #expect(Self.value(expired, in: after) >= Self.value(expired, in: before) + 1)
        #expect(Self.value(latency, in: after) >= Self.value(latency, in: before) + 3)
        #expect(Self.value("freezegate_client_connections", in: after) >= 1)
        #expect(Self.value("freezegate_upstream_connections", in: after) >= 1)
        #expect(Self.value("freezegate_tenants_loaded", in: after) == 3)
        #expect(Self.value("freezegate_tenants{state=\"frozen\"}", in: after) == 1)
        #expect(Self.value("freezegate_tenants{state=\"expired\"}", in: after) == 1)
        #expect(Self.value("freezegate_ready", in: after) == 1)
        #expect(after.contains("freezegate_snapshot_age_seconds "))
        #expect(after.contains("# TYPE freezegate_upstream_duration_seconds histogram"))
        // Bounded labels: no tenant key and no raw path ever appears in a label.
        for line in after.split(separator: "\n") where line.hasPrefix("freezegate_") {
            #expect(!line.contains("school"), "\(line)")
            #expect(!line.contains("acme"), "\(line)")
            #expect(!line.contains("/company"), "\(line)")
        }
        await open.close()

        // A change in PostgreSQL arrives as a notification and is applied to the snapshot.
        let applied = "freezegate_notifications_applied_total"
        let appliedBefore = Self.value(applied, in: after)
        try await harness.database.execute("SELECT freezegate.record_payment('acme', 30);")
        try await harness.waitUntil("the notification is counted") {
            stateMetrics.update(cache: harness.sync.cache, now: Date())
            let text = prometheus.render()
            return Self.value(applied, in: text) >= appliedBefore + 1
                && Self.value("freezegate_notifications_received_total", in: text) >= 1
        }
        #expect(after.contains("freezegate_database_reconnects_total "))
        #expect(after.contains("freezegate_database_connected "))
    }

    @Test func upstreamErrorsAreCountedByKind() async throws {
        let prometheus = PrometheusMetrics.bootstrap()
        let unreachable = "freezegate_upstream_errors_total{kind=\"unreachable\"}"
        let before = Self.value(unreachable, in: prometheus.render())
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        var logger = Logger(label: "metrics-test")
        logger.logLevel = .critical
        // Nothing listens on a port FreePort just found free.
        let deadUpstream = try SocketAddress(ipAddress: "127.0.0.1", port: try FreePort.find())
        let proxy = ProxyServer(
            configuration: ProxyConfiguration(
                listen: try SocketAddress(ipAddress: "127.0.0.1", port: 0),
                upstream: deadUpstream
            ),
            decider: ForwardAllDecider(),
            group: group,
            logger: logger
        )
        let address = try await proxy.start()
        let exchange = try await TestSupport.RawHTTPConnection.exchange(
            "GET / HTTP/1.1\r\nHost: acme.s20.online\r\nConnection: close\r\n\r\n",
            with: address,
            group: group
        )
        #expect(exchange.responses.first?.status == 502)
        let deadline = ContinuousClock.now + .seconds(10)
        while Self.value(unreachable, in: prometheus.render()) < before + 1, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(Self.value(unreachable, in: prometheus.render()) >= before + 1)
        await proxy.shutdown(drain: .zero)
        try await group.shutdownGracefully()
    }
}
