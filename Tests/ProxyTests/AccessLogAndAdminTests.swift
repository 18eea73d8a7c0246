import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import Proxy
import TestSupport
import Testing

/// Keeps every log record (for assertions on the access log line).
struct CapturingLogHandler: LogHandler {
    let records: NIOLockedValueBox<[(message: String, metadata: Logger.Metadata)]>
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { self.metadata[key] }
        set { self.metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        self.records.withLockedValue { $0.append((event.message.description, event.metadata ?? [:])) }
    }
}

@Suite("Access log and admin listener")
struct AccessLogAndAdminTests {
    @Test func oneAccessLineWithTheRequestFields() async throws {
        let records = NIOLockedValueBox<[(message: String, metadata: Logger.Metadata)]>([])
        let accessLogger = Logger(label: "access") { _ in CapturingLogHandler(records: records) }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let upstream = RecordingUpstream(group: group, behavior: { _ in .summarize })
        let upstreamAddress = try await upstream.start()
        let proxy = ProxyServer(
            configuration: ProxyConfiguration(
                listen: try SocketAddress(ipAddress: "127.0.0.1", port: 0),
                upstream: upstreamAddress
            ),
            decider: ForwardAllDecider(),
            group: group,
            logger: ProxyHarness.logger,
            accessLogger: accessLogger
        )
        let address = try await proxy.start()
        let result = try await RawHTTPConnection.exchange(
            "POST /api/x?y=1 HTTP/1.1\r\nHost: acme.s20.online\r\nContent-Length: 4\r\nConnection: close\r\n\r\nbody",
            with: address,
            group: group
        )
        #expect(result.responses.first?.status == 200)
        #expect(await eventually { records.withLockedValue { $0.count } == 1 })
        let line = try #require(records.withLockedValue { $0.first })
        #expect(line.message == "access")
        #expect(line.metadata["method"] == "POST")
        #expect(line.metadata["host"] == "acme.s20.online")
        #expect(line.metadata["target"] == "/api/x?y=1")
        #expect(line.metadata["status"]?.description == "200")
        #expect(line.metadata["bytes_in"]?.description == "4")
        #expect(line.metadata["class"] == "unclassified")
        #expect(line.metadata["decision"] == "forward")
        #expect(line.metadata["upstream_us"] != nil)
        #expect(line.metadata["total_us"] != nil)
        await proxy.shutdown(drain: .milliseconds(100))
        await upstream.stop()
        try await group.shutdownGracefully()
    }

    @Test func adminEndpointsOverTCP() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let ready = NIOLockedValueBox(false)
        let admin = AdminServer(
            address: try SocketAddress(ipAddress: "127.0.0.1", port: 0),
            group: group,
            logger: ProxyHarness.logger,
            readiness: { ready.withLockedValue { $0 } },
            metrics: { "# TYPE up gauge\nup 1\n" }
        )
        let address = try await admin.start()
        func get(_ path: String) async throws -> HTTPRawResponse? {
            try await RawHTTPConnection.exchange(
                "GET \(path) HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                with: address,
                group: group
            ).responses.first
        }
        #expect(try await get("/healthz")?.status == 200)
        #expect(try await get("/readyz")?.status == 503)
        ready.withLockedValue { $0 = true }
        #expect(try await get("/readyz")?.status == 200)
        let metrics = try await get("/metrics")
        #expect(metrics?.status == 200)
        #expect(metrics?.bodyText == "# TYPE up gauge\nup 1\n")
        #expect(metrics?.header("content-type")?.hasPrefix("text/plain") == true)
        admin.stop()
        try await group.shutdownGracefully()
    }
}
