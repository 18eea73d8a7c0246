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

/// A tenant's time zone set in SQL reaches the blocked page through the live state: the page of a
/// frozen tenant names its last day in the profile's zone, then, after `set_time_zone`, in the
/// tenant's own; an expired tenant's admin page says since when and until when data is kept.
@Suite("A tenant's time zone end to end", .timeLimit(.minutes(2)))
struct TenantTimeZoneEndToEndTests {
    @Test func theZoneSetInSQLReachesTheBlockedPage() async throws {
        let databaseURL = try await TestPostgres.shared.makeMigratedDatabase(prefix: "zones")
        let database = try await PostgresConnection.connect(databaseURL)
        // A freeze ending at 2027-09-01T00:00:00Z: 03:00 in Moscow, the profile's zone; midnight
        // in UTC, whose last day is 31\u{a0}August.
        try await database.execute(
            """
            SELECT freezegate.create_tenant('acme', 'boss@acme.example', '2027-12-01Z', '2027-01-01Z');
            SELECT freezegate.force_freeze('acme', '2027-01-02Z', '2027-09-01Z', 'closed for repairs', '2027-01-01Z');
            SELECT freezegate.create_tenant('gone', 'boss@gone.example', '2000-01-01Z', '1999-01-01Z');
            """
        )
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let upstream = RecordingUpstream(group: group) { _ in .respond(.ok, HTTPHeaders(), "upstream") }
        let upstreamAddress = try await upstream.start()
        // The gateway judges requests at 2027-06-01: acme is frozen then; gone long expired.
        let clock = ManualWallClock(Date(timeIntervalSince1970: 1_811_808_000))
        let sync = TenantStateSync(
            configuration: TenantStateSyncConfiguration(database: PostgresConfiguration(connectionString: databaseURL)),
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
                    defaultGroup: UpstreamGroup(name: "default", servers: [UpstreamServer(address: upstreamAddress)])
                )
            ),
            decider: decider,
            group: group,
            logger: GatewayHarness.logger
        )
        let proxyAddress = try await proxy.start()
        func page(_ host: String) async throws -> String? {
            let exchange = try await RawHTTPConnection.exchange(
                "GET /company/1/schedule HTTP/1.1\r\nHost: \(host)\r\nAccept-Language: en\r\nConnection: close\r\n\r\n",
                with: proxyAddress,
                group: group
            )
            return exchange.responses.first?.bodyText
        }
        func eventuallyPage(_ host: String, contains expected: String) async throws -> Bool {
            for _ in 0..<300 {
                if try await page(host)?.contains(expected) == true { return true }
                try await Task.sleep(for: .milliseconds(20))
            }
            return false
        }
        do {
            #expect(
                try await eventuallyPage("acme.s20.online", contains: "is frozen until 03:00 on 1\u{a0}September 2027.")
            )
            try await database.execute("SELECT freezegate.set_time_zone('acme', 'UTC');")
            #expect(
                try await eventuallyPage("acme.s20.online", contains: "is frozen until 31\u{a0}August 2027 inclusive.")
            )
            #expect(try await page("acme.s20.online")?.contains("Dates are in UTC.") == true)
            try await database.execute("SELECT freezegate.set_time_zone('gone', 'Asia/Vladivostok');")
            // Paid until 2000-01-01T00:00Z: 10:00 in Vladivostok; data kept until 30 days later.
            #expect(
                try await eventuallyPage("gone.s20.online", contains: "was valid until 10:00 on 1\u{a0}January 2000.")
            )
            let expired = try await page("gone.s20.online") ?? ""
            #expect(
                expired.contains(
                    "it is kept until 10:00 on 31\u{a0}January 2000; after that the account may be deleted."
                )
            )
            #expect(expired.contains("Dates are in the Asia/Vladivostok time zone (UTC+10)."))
            // The footer names the request ID the response carries, for either audience.
            for path in ["/company/1/users", "/teacher/lessons"] {
                let exchange = try await RawHTTPConnection.exchange(
                    "GET \(path) HTTP/1.1\r\nHost: acme.s20.online\r\nAccept-Language: en\r\nConnection: close\r\n\r\n",
                    with: proxyAddress,
                    group: group
                )
                let response = try #require(exchange.responses.first)
                let requestID = try #require(response.header("X-Request-Id"))
                #expect(response.status == 403)
                #expect(response.bodyText.contains("· request ID \(requestID)</footer>"))
            }
            let russian = try await RawHTTPConnection.exchange(
                "GET /teacher/lessons HTTP/1.1\r\nHost: acme.s20.online\r\nConnection: close\r\n\r\n",
                with: proxyAddress,
                group: group
            )
            let teacherPage = try #require(russian.responses.first)
            let teacherID = try #require(teacherPage.header("X-Request-Id"))
            #expect(teacherPage.bodyText.contains("запрос №\u{a0}\(teacherID)</footer>"))
            #expect(teacherPage.bodyText.contains("обратитесь к администратору вашей школы"))
        } catch {
            Issue.record(error)
        }
        syncTask.cancel()
        await proxy.shutdown(drain: .zero)
        await upstream.stop()
        await database.close()
        try? await group.shutdownGracefully()
    }
}
