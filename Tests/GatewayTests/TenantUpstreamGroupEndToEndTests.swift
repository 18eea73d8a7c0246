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
import Testing

@testable import Gateway

/// A tenant moved to another upstream group in SQL: the live state carries the change, the Gate
/// names the group, the proxy sends the tenant's requests to that group's server. An undeclared
/// group sends them to the default group; no request is dropped.
@Suite("A tenant's upstream group end to end", .timeLimit(.minutes(2)))
struct TenantUpstreamGroupEndToEndTests {
    @Test func aTenantMovedInSQLGoesToItsGroupAndAnUnknownGroupToTheDefault() async throws {
        let databaseURL = try await TestPostgres.shared.makeMigratedDatabase(prefix: "groups")
        // The tenant-state sync connects as a login role with only the gateway's group role.
        let gatewayURL = try await TestPostgres.shared.gatewayURL(for: databaseURL)
        let database = try await PostgresConnection.connect(databaseURL)
        try await database.execute(
            "SELECT freezegate.create_tenant('acme', 'boss@acme.example', now() + interval '200 days');"
        )
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let main = RecordingUpstream(group: group) { _ in .respond(.ok, HTTPHeaders(), "main cluster") }
        let other = RecordingUpstream(group: group) { _ in .respond(.ok, HTTPHeaders(), "s21 cluster") }
        let mainAddress = try await main.start()
        let otherAddress = try await other.start()
        let clock = SystemWallClock()
        let sync = TenantStateSync(
            configuration: TenantStateSyncConfiguration(database: PostgresConfiguration(connectionString: gatewayURL)),
            clock: clock,
            logger: GatewayHarness.logger
        )
        let syncTask = Task { await sync.runUntilCancelled() }
        let cache = sync.cache
        let decider = GateDecider(
            gate: Gate(profile: .alfaCRM, baseDomains: ["s20.online"]),
            cache: cache,
            clock: clock
        )
        let proxy = ProxyServer(
            configuration: ProxyConfiguration(
                listen: try SocketAddress(ipAddress: "127.0.0.1", port: 0),
                upstreamGroups: UpstreamGroups(
                    defaultGroup: UpstreamGroup(name: "default", servers: [UpstreamServer(address: mainAddress)]),
                    named: ["s21": UpstreamGroup(name: "s21", servers: [UpstreamServer(address: otherAddress)])]
                )
            ),
            decider: decider,
            group: group,
            logger: GatewayHarness.logger
        )
        let proxyAddress = try await proxy.start()
        func body() async throws -> String? {
            let exchange = try await RawHTTPConnection.exchange(
                "GET /company/1/schedule HTTP/1.1\r\nHost: acme.s20.online\r\nConnection: close\r\n\r\n",
                with: proxyAddress,
                group: group
            )
            return exchange.responses.first?.bodyText
        }
        func eventuallyBody(_ expected: String) async throws -> Bool {
            for _ in 0..<300 {
                if try await body() == expected { return true }
                try await Task.sleep(for: .milliseconds(20))
            }
            return false
        }
        do {
            #expect(try await eventuallyBody("main cluster"))
            try await database.execute("SELECT freezegate.set_upstream_group('acme', 's21');")
            #expect(try await eventuallyBody("s21 cluster"))
            try await database.execute("SELECT freezegate.set_upstream_group('acme', 'nowhere');")
            #expect(try await eventuallyBody("main cluster"))
            let answered = try await body()
            #expect(answered == "main cluster")
        } catch {
            Issue.record(error)
        }
        syncTask.cancel()
        await proxy.shutdown(drain: .zero)
        await main.stop()
        await other.stop()
        await database.close()
        try? await group.shutdownGracefully()
    }
}
