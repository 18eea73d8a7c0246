import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Postgres
import TestSupport
import Testing

/// A PostgreSQL failover under the real `freezegate serve`: a primary and a streaming standby made
/// with `pg_basebackup -R`, the gateway connected with a URL that lists both (as a login role with
/// only `freezegate_gateway`), the primary stopped, the standby promoted, a change committed on the
/// new primary. And the write-side commands pointed at a standby: the exit code for "database
/// unavailable", with the cause named.
@Suite("PostgreSQL failover", .serialized, .timeLimit(.minutes(5)))
struct PostgresFailoverProcessTests {
    /// A primary with the migrated database `freezegate` (tenant `acme` active, `school` frozen for 40
    /// days, the gateway's login role) and its streaming standby, which has replayed all of it.
    private struct Replication {
        let primary: PostgresTestCluster
        let standby: PostgresTestCluster

        func destroy() {
            standby.destroy()
            primary.destroy()
        }
    }

    private struct ReplicationFailure: Error, CustomStringConvertible {
        let description: String
    }

    private static let database = "freezegate"
    private static let gatewayRole = "fg_failover_gateway"
    /// The requirement: a change committed on the new primary takes effect within 2 s of the promotion.
    private static let changeBound: Duration = .seconds(2)

    private static func replication() async throws -> Replication {
        let primary = try await PostgresTestCluster.create()
        do {
            let admin = try await PostgresConnection.connect(primary.connectionString())
            try await admin.execute("CREATE DATABASE \(database)")
            await admin.close()
            let migrate = try await FreezegateCLI.run([
                "migrate", "--database-url", primary.connectionString(database: database),
            ])
            guard migrate.status == 0 else { throw ReplicationFailure(description: "migrate: \(migrate)") }
            let connection = try await PostgresConnection.connect(primary.connectionString(database: database))
            try await connection.execute(
                """
                CREATE ROLE \(gatewayRole) LOGIN IN ROLE freezegate_gateway;
                SELECT freezegate.create_tenant('acme', 'boss@acme.example', now() + interval '200 days');
                SELECT freezegate.create_tenant('school', 'boss@school.example', now() + interval '200 days');
                SELECT freezegate.force_freeze('school', now(), now() + interval '40 days', 'failover test');
                """
            )
            await connection.close()
            let standby = try await primary.makeStandby()
            let replication = Replication(primary: primary, standby: standby)
            let replica = try await PostgresConnection.connect(standby.connectionString(database: database))
            let deadline = ContinuousClock.now + .seconds(30)
            var replayed = false
            while !replayed && ContinuousClock.now < deadline {
                let rows = try await replica.query("SELECT count(*)::int FROM freezegate.freezes")
                replayed = try rows.first?.decode(Int.self, column: 0) == 1
                if !replayed { try await Task.sleep(for: .milliseconds(50)) }
            }
            let recovery = try await replica.query("SELECT pg_is_in_recovery()")
            let inRecovery = try recovery.first?.decode(Bool.self, column: 0) == true
            await replica.close()
            guard replayed && inRecovery else {
                replication.destroy()
                throw ReplicationFailure(description: "the standby did not replay the primary's data")
            }
            return replication
        } catch {
            primary.destroy()
            throw error
        }
    }

    /// A libpq string naming both servers over TCP in the given order, without `target_session_attrs`.
    private static func url(_ clusters: [PostgresTestCluster], user: String) -> String {
        let hosts = clusters.map { _ in "127.0.0.1" }.joined(separator: ",")
        let ports = clusters.map { "\($0.port)" }.joined(separator: ",")
        return "host=\(hosts) port=\(ports) user=\(user) dbname=\(database) connect_timeout=3"
    }

    @Test(arguments: [false, true])
    func decisionsHoldThroughAFailoverAndTheNewPrimarysChangeAppliesWithinTwoSeconds(
        standbyFirst: Bool
    )
        async throws
    {
        let replication = try await Self.replication()
        defer { replication.destroy() }
        let (primary, standby) = (replication.primary, replication.standby)
        let hosts = standbyFirst ? [standby, primary] : [primary, standby]

        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let upstream = RecordingUpstream(group: group) { head in
            .respond(.ok, HTTPHeaders([("Content-Type", "text/plain")]), "upstream:\(head.uri)")
        }
        let upstreamAddress = try await upstream.start()
        let (port, adminPort) = (try FreePort.find(), try FreePort.find())
        let process = try ServeProcess.start(
            [
                "serve", "--upstream", "http://127.0.0.1:\(upstreamAddress.port ?? 0)",
                "--listen", "127.0.0.1:\(port)", "--admin-listen", "127.0.0.1:\(adminPort)",
                "--threads", "1", "--drain-timeout", "1", "--access-log", "off",
                // A failure's message shows the gateway's log: at debug it says when each change took effect.
                "--log-level", "debug",
            ],
            environment: ["DATABASE_URL": Self.url(hosts, user: Self.gatewayRole)]
        )
        let address = try SocketAddress(ipAddress: "127.0.0.1", port: port)
        let admin = try SocketAddress(ipAddress: "127.0.0.1", port: adminPort)
        func get(_ target: String, host: String, at address: SocketAddress) async throws -> (Int, String) {
            let request = "GET \(target) HTTP/1.1\r\nHost: \(host)\r\nConnection: close\r\n\r\n"
            let exchange = try await RawHTTPConnection.exchange(request, with: address, group: group)
            return (exchange.responses.first?.status ?? 0, exchange.responses.first?.bodyText ?? "")
        }
        /// Whether the tenant's admin page is forwarded (true) or blocked (false).
        func adminPageForwarded(_ tenant: String) async throws -> Bool? {
            let (status, body) = try await get("/company/1/dashboard", host: "\(tenant).s20.online", at: address)
            if status == 200 && body.hasPrefix("upstream:") { return true }
            if (400..<500).contains(status) && !body.hasPrefix("upstream:") { return false }
            return nil
        }
        do {
            try await process.waitUntil("the gateway is ready") {
                (try? await get("/readyz", host: "localhost", at: admin))?.0 == 200
            }
            // Ready from the primary, whichever host the URL lists first: the frozen school is blocked.
            #expect(try await adminPageForwarded("school") == false, "\(process.stderr)")
            #expect(try await adminPageForwarded("acme") == true)

            // The primary goes away for a while (the reconnect back-off reaches its cap): every
            // decision still comes from the snapshot.
            try await primary.stop()
            // Refused from now on, as a stopped server's address is, rather than handed to a server of
            // another test (libpq would wait 3 s there for an answer).
            let stoppedPrimaryPort = try RefusingPort(primary.port)
            defer { withExtendedLifetime(stoppedPrimaryPort) {} }
            let outageEnd = ContinuousClock.now + .seconds(4)
            var checks = 0
            // At least 4 s and at least three rounds of checks, however slow a loaded machine makes each.
            while ContinuousClock.now < outageEnd || checks < 3 {
                #expect(try await adminPageForwarded("school") == false)
                #expect(try await adminPageForwarded("acme") == true)
                #expect((try await get("/readyz", host: "localhost", at: admin)).0 == 200)
                checks += 1
                try await Task.sleep(for: .milliseconds(100))
            }

            try await standby.promote()
            let promoted = ContinuousClock.now
            let newPrimary = try await PostgresConnection.connect(standby.connectionString(database: Self.database))
            try await newPrimary.execute(
                "SELECT freezegate.force_freeze('acme', now(), now() + interval '10 days', 'after the failover')"
            )
            await newPrimary.close()
            let committed = ContinuousClock.now - promoted
            var applied: Duration?
            let deadline = promoted + .seconds(20)
            while ContinuousClock.now < deadline {
                if try await adminPageForwarded("acme") == false {
                    applied = ContinuousClock.now - promoted
                    break
                }
                try await Task.sleep(for: .milliseconds(20))
            }
            let elapsed = try #require(applied, "the change on the new primary never took effect: \(process.stderr)")
            // The gateway's part is measured from the moment the change exists: the promotion, or the
            // commit when the test itself could only commit later. On two cores shared with the whole
            // suite, connecting and committing took 1.4 s once, and the gateway cannot apply a change
            // before it is committed.
            #expect(
                elapsed - committed <= Self.changeBound,
                "applied \(elapsed) after the promotion (committed after \(committed)): \(process.stderr)"
            )
            // The figure, for docs/BENCHMARKS.md (the assertion above is the requirement's bound).
            print(
                "failover (standby first: \(standbyFirst)): the change took effect \(elapsed) after the promotion,"
                    + " \(elapsed - committed) after its commit"
            )
            #expect(try await adminPageForwarded("school") == false)

            process.send(SIGTERM)
            let outcome = try await process.waitForExit()
            #expect(outcome.status == 0, "\(outcome.stderr)")
        } catch {
            process.send(SIGKILL)
            _ = try? await process.waitForExit()
            process.removeOutputFiles()
            await upstream.stop()
            try? await group.shutdownGracefully()
            throw error
        }
        process.removeOutputFiles()
        await upstream.stop()
        try await group.shutdownGracefully()
    }

    @Test func writeCommandsThatReachAStandbyExitWithDatabaseUnavailableAndNameTheCause() async throws {
        let replication = try await Self.replication()
        defer { replication.destroy() }
        let standbyOnly = replication.standby.connectionString(database: Self.database)

        let writes: [[String]] = [
            ["create", "beta", "--owner-email", "o@beta.example", "--paid-until", "2040-01-01"],
            ["freeze", "acme", "--from", "2040-01-01", "--until", "2040-02-01", "--force", "--reason", "x"],
            ["unfreeze", "school"],
            ["pay", "acme", "--days", "30"],
            ["add-domain", "acme", "crm.acme.example"],
            ["cancel", "1"],
        ]
        for arguments in writes {
            let outcome = try await FreezegateCLI.tenant(arguments, url: standbyOnly)
            #expect(outcome.status == 4, "\(arguments): \(outcome)")
            #expect(outcome.stderr.contains("read-only standby, not the primary"), "\(outcome.stderr)")
            #expect(outcome.stderr.contains("SQLSTATE 25006"), "\(outcome.stderr)")
        }
        let json = try await FreezegateCLI.tenant(["pay", "acme", "--days", "30", "--json"], url: standbyOnly)
        #expect(json.status == 4)
        #expect(json.stdout.contains(#""exit_code":4"#), "\(json)")
        // Reads work on a standby.
        let list = try await FreezegateCLI.tenant(["list"], url: standbyOnly)
        #expect(list.status == 0, "\(list)")

        let migrate = try await FreezegateCLI.run(["migrate", "--database-url", standbyOnly])
        #expect(migrate.status == 4, "\(migrate)")
        #expect(migrate.stderr.contains("read-only standby, not the primary"), "\(migrate.stderr)")
        #expect(migrate.stderr.split(separator: "\n").count == 1, "\(migrate.stderr)")

        let message = BuiltProducts.repository + "/Tests/MailIntakeTests/Corpus/gmail-multipart-ru.eml"
        let outbox = try TemporaryDirectory(prefix: "fg-outbox")
        let intake = try await ChildProcess.run(
            [
                "/bin/sh", "-c", "exec \"$0\" \"$@\" < \"$FG_TEST_MESSAGE\"", BuiltProducts.freezegate, "intake",
                "mail", "--outbox", outbox.path, "--database-url", standbyOnly, "--authserv-id", "mx.freezegate.test",
            ],
            environment: ["FG_TEST_MESSAGE": message, "DATABASE_URL": nil]
        )
        #expect(intake.status == 75, "\(intake)")
        #expect(intake.stderr.contains("read-only standby, not the primary"), "\(intake.stderr)")

        // Both hosts listed, the standby first: the write reaches the primary.
        let both = Self.url([replication.standby, replication.primary], user: "postgres")
        let pay = try await FreezegateCLI.tenant(["pay", "acme", "--days", "30"], url: both)
        #expect(pay.status == 0, "\(pay)")
        let migrated = try await FreezegateCLI.run(["migrate", "--database-url", both])
        #expect(migrated.status == 0, "\(migrated)")
    }
}
