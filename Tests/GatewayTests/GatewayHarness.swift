import Foundation
import Gate
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Postgres
import Proxy
import TenantModel
import TenantState
import TestSupport

@testable import Gateway

/// The whole gateway in-process, as `serve` wires it: a real PostgreSQL database with seeded tenants,
/// the live tenant-state sync, the Gate as decider, the NIO proxy, and a recording upstream.
final class GatewayHarness: Sendable {
    let group: MultiThreadedEventLoopGroup
    let upstream: RecordingUpstream
    let proxy: ProxyServer
    let proxyAddress: SocketAddress
    let sync: TenantStateSync
    let syncTask: Task<Void, Never>
    let databaseURL: String
    let database: PostgresConnection

    static let logger: Logger = {
        var logger = Logger(label: "gateway-e2e")
        logger.logLevel = .critical
        return logger
    }()

    private init(
        group: MultiThreadedEventLoopGroup,
        upstream: RecordingUpstream,
        proxy: ProxyServer,
        proxyAddress: SocketAddress,
        sync: TenantStateSync,
        syncTask: Task<Void, Never>,
        databaseURL: String,
        database: PostgresConnection
    ) {
        self.group = group
        self.upstream = upstream
        self.proxy = proxy
        self.proxyAddress = proxyAddress
        self.sync = sync
        self.syncTask = syncTask
        self.databaseURL = databaseURL
        self.database = database
    }

    /// Seeds: `acme` active (custom domain crm.acme-school.com), `school` frozen for 40 days from now,
    /// `oldschool` expired; then starts everything and waits for the first snapshot.
    static func start(profile: RouteProfile = .alfaCRM) async throws -> GatewayHarness {
        let databaseURL = try await TestPostgres.shared.makeMigratedDatabase(prefix: "e2e")
        // The tenant-state sync connects as a login role with only the gateway's group role.
        let gatewayURL = try await TestPostgres.shared.gatewayURL(for: databaseURL)
        let database = try await PostgresConnection.connect(databaseURL)
        try await database.execute(
            """
            SELECT freezegate.create_tenant('acme', 'boss@acme.example', now() + interval '200 days');
            SELECT freezegate.add_domain('acme', 'crm.acme-school.com');
            SELECT freezegate.create_tenant('school', 'boss@school.example', now() + interval '200 days');
            SELECT freezegate.force_freeze('school', now(), now() + interval '40 days', 'end-to-end test');
            SELECT freezegate.create_tenant('oldschool', 'boss@old.example', now() - interval '3 days');
            """
        )
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let upstream = RecordingUpstream(group: group) { head in
            .respond(.ok, HTTPHeaders([("Content-Type", "text/plain")]), "upstream:\(head.uri)")
        }
        let upstreamAddress = try await upstream.start()
        let clock = SystemWallClock()
        let sync = TenantStateSync(
            configuration: TenantStateSyncConfiguration(database: PostgresConfiguration(connectionString: gatewayURL)),
            clock: clock,
            logger: logger
        )
        let syncTask = Task { await sync.runUntilCancelled() }
        let cache = sync.cache
        let decider = GateDecider(
            gate: Gate(profile: profile, baseDomains: ["s20.online"]),
            cache: cache,
            clock: clock
        )
        let proxy = ProxyServer(
            configuration: ProxyConfiguration(
                listen: try SocketAddress(ipAddress: "127.0.0.1", port: 0),
                upstream: upstreamAddress
            ),
            decider: decider,
            group: group,
            logger: logger
        )
        let proxyAddress = try await proxy.start()
        let harness = GatewayHarness(
            group: group,
            upstream: upstream,
            proxy: proxy,
            proxyAddress: proxyAddress,
            sync: sync,
            syncTask: syncTask,
            databaseURL: databaseURL,
            database: database
        )
        try await harness.waitUntil("the first snapshot is loaded") { cache.isReady }
        return harness
    }

    func stop() async {
        syncTask.cancel()
        await proxy.shutdown(drain: .zero)
        await upstream.stop()
        await database.close()
        try? await group.shutdownGracefully()
    }

    /// Sends one request with `Connection: close` and returns the parsed response.
    func send(
        _ target: String,
        method: String = "GET",
        host: String,
        headers: [(String, String)] = [],
        body: String = ""
    ) async throws -> HTTPRawResponse? {
        var request = "\(method) \(target) HTTP/1.1\r\nHost: \(host)\r\nConnection: close\r\n"
        for (name, value) in headers { request += "\(name): \(value)\r\n" }
        if !body.isEmpty || method == "POST" { request += "Content-Length: \(body.utf8.count)\r\n" }
        request += "\r\n" + body
        let exchange = try await RawHTTPConnection.exchange(request, with: proxyAddress, group: group)
        return HTTPRawResponse.parseAll(exchange.raw.utf8.map { $0 }, bodyless: method == "HEAD").first
    }

    /// Polls `condition` until it holds (a deadline, not a speed assertion).
    func waitUntil(
        _ what: String,
        timeout: Duration = .seconds(15),
        _ condition: @Sendable () async throws -> Bool
    ) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw HarnessTimeout(what: what)
    }

    struct HarnessTimeout: Error, CustomStringConvertible {
        let what: String
        var description: String { "timed out waiting until \(what)" }
    }
}
