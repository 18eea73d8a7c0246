import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Postgres
import TestSupport
import Testing

/// SIGHUP to a running `freezegate serve` (real PostgreSQL, recording upstream): a good profile is
/// applied without dropping an open connection, a broken one is rejected and the old one kept.
/// Also checks the JSON log format end to end (access log on stdout, the rest on stderr).
@Suite("SIGHUP reload of a running gateway", .serialized, .timeLimit(.minutes(3)))
struct SighupReloadProcessTests {
    /// Files the tests write, removed with the folder when the test ends.
    let scratch: TemporaryDirectory

    init() throws {
        self.scratch = try TemporaryDirectory(prefix: "freezegate-sighup")
    }

    /// `unknown` decides a frozen tenant's `/somewhere/else`: blocked, then forwarded after reload.
    static let blockingProfile = "unknown: block\nbase_domains:\n  - s20.online\n"
    static let forwardingProfile = "unknown: forward\nbase_domains:\n  - s20.online\n"

    @Test func sighupReloadsTheProfileAndKeepsTheOldOneWhenBroken() async throws {
        let databaseURL = try await TestPostgres.shared.makeMigratedDatabase(prefix: "sighup")
        // The gateway connects as a login role with only the gateway's group role.
        let gatewayURL = try await TestPostgres.shared.gatewayURL(for: databaseURL)
        let database = try await PostgresConnection.connect(databaseURL)
        try await database.execute(
            """
            SELECT freezegate.create_tenant('school', 'boss@school.example', now() + interval '200 days');
            SELECT freezegate.force_freeze('school', now(), now() + interval '40 days', 'sighup test');
            """
        )
        await database.close()

        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let upstream = RecordingUpstream(group: group) { head in
            .respond(.ok, HTTPHeaders([("Content-Type", "text/plain")]), "upstream:\(head.uri)")
        }
        let upstreamAddress = try await upstream.start()
        let profile = self.scratch.path + "/profile.yaml"
        try Self.blockingProfile.write(toFile: profile, atomically: true, encoding: .utf8)
        let (port, adminPort) = (try FreePort.find(), try FreePort.find())
        let gateway = try ServeProcess.start(
            [
                "serve", "--upstream", "http://127.0.0.1:\(upstreamAddress.port ?? 0)",
                "--listen", "127.0.0.1:\(port)", "--admin-listen", "127.0.0.1:\(adminPort)",
                "--config", profile, "--threads", "1", "--drain-timeout", "2",
            ],
            environment: [
                "DATABASE_URL": gatewayURL, "FREEZEGATE_LOG_FORMAT": "json", "FREEZEGATE_ACCESS_LOG_FORMAT": "json",
            ]
        )
        let address = try SocketAddress(ipAddress: "127.0.0.1", port: port)
        let admin = try SocketAddress(ipAddress: "127.0.0.1", port: adminPort)
        do {
            func get(
                _ target: String,
                host: String = "school.s20.online",
                at address: SocketAddress
            ) async throws -> Int? {
                let request = "GET \(target) HTTP/1.1\r\nHost: \(host)\r\nConnection: close\r\n\r\n"
                let exchange = try await TestSupport.RawHTTPConnection.exchange(request, with: address, group: group)
                return exchange.responses.first?.status
            }
            try await gateway.waitUntil("the gateway is ready") {
                (try? await get("/readyz", host: "localhost", at: admin)) == 200
            }
            #expect(try await get("/somewhere/else", at: address) == 403)

            // A keep-alive connection opened before the reload must survive it.
            let kept = try await TestSupport.RawHTTPConnection.connect(to: address, group: group)
            try await kept.send("GET /somewhere/else HTTP/1.1\r\nHost: school.s20.online\r\n\r\n")
            #expect(await kept.waitForResponses(1).first?.status == 403)

            try Self.forwardingProfile.write(toFile: profile, atomically: true, encoding: .utf8)
            gateway.send(SIGHUP)
            try await gateway.waitUntil("the reloaded profile forwards") {
                try await get("/somewhere/else", at: address) == 200
            }
            try await kept.send("GET /somewhere/else HTTP/1.1\r\nHost: school.s20.online\r\n\r\n")
            let responses = await kept.waitForResponses(2)
            #expect(responses.count == 2)
            #expect(responses.last?.status == 200)
            #expect(!kept.isClosed)
            await kept.close()

            try "unknown: explode\n".write(toFile: profile, atomically: true, encoding: .utf8)
            gateway.send(SIGHUP)
            try await gateway.waitUntil("the broken profile is reported") {
                gateway.stderr.contains("profile reload failed")
            }
            #expect(try await get("/somewhere/else", at: address) == 200)
            #expect(try await get("/company/1/dashboard", at: address) == 403)

            gateway.send(SIGTERM)
            let outcome = try await gateway.waitForExit()
            #expect(outcome.status == 0, "\(outcome.stderr)")

            // JSON lines: the access log on stdout (its default, written out by the drain at
            // SIGTERM), the rest (reload messages) on stderr.
            let accessLines = outcome.stdout.split(separator: "\n")
            #expect(accessLines.count >= 6)
            for line in accessLines {
                let json = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                #expect((json?["request_id"] as? String)?.count == 32, "\(line)")
                #expect(json?["status"] is Int)
                #expect(json?["time"] is String)
            }
            let logLines = outcome.stderr.split(separator: "\n").compactMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }
            #expect(
                logLines.contains {
                    $0["message"] as? String == "profile reloaded" && $0["level"] as? String == "notice"
                }
            )
            #expect(
                logLines.contains {
                    $0["message"] as? String == "profile reload failed, keeping the previous profile"
                        && ($0["error"] as? String)?.contains("\(profile):1") == true
                }
            )
        } catch {
            gateway.send(SIGKILL)
            _ = try? await gateway.waitForExit()
            gateway.removeOutputFiles()
            await upstream.stop()
            try? await group.shutdownGracefully()
            throw error
        }
        gateway.removeOutputFiles()
        await upstream.stop()
        try await group.shutdownGracefully()
    }

    /// SIGUSR1 (logrotate moved the file away): the lines of the requests served before it —
    /// still in the event loop's buffer for up to a second — go to the old file, the later ones to
    /// a new file of the same name.
    @Test func sigusr1HandsTheBufferedLinesToTheOldFileThenReopens() async throws {
        let databaseURL = try await TestPostgres.shared.makeMigratedDatabase(prefix: "sigusr1")
        let gatewayURL = try await TestPostgres.shared.gatewayURL(for: databaseURL)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let upstream = RecordingUpstream(group: group) { _ in .respond(.ok, HTTPHeaders(), "ok") }
        let upstreamAddress = try await upstream.start()
        let log = self.scratch.path + "/access.log"
        let (port, adminPort) = (try FreePort.find(), try FreePort.find())
        let gateway = try ServeProcess.start(
            [
                "serve", "--upstream", "http://127.0.0.1:\(upstreamAddress.port ?? 0)",
                "--listen", "127.0.0.1:\(port)", "--admin-listen", "127.0.0.1:\(adminPort)",
                "--access-log", log, "--threads", "1", "--drain-timeout", "2",
            ],
            environment: ["DATABASE_URL": gatewayURL]
        )
        let address = try SocketAddress(ipAddress: "127.0.0.1", port: port)
        let admin = try SocketAddress(ipAddress: "127.0.0.1", port: adminPort)
        do {
            func get(_ target: String, at address: SocketAddress) async throws -> Int? {
                let request = "GET \(target) HTTP/1.1\r\nHost: acme.s20.online\r\nConnection: close\r\n\r\n"
                let exchange = try await TestSupport.RawHTTPConnection.exchange(request, with: address, group: group)
                return exchange.responses.first?.status
            }
            try await gateway.waitUntil("the gateway is ready") { (try? await get("/readyz", at: admin)) == 200 }
            #expect(try await get("/before-1", at: address) == 200)
            #expect(try await get("/before-2", at: address) == 200)
            try FileManager.default.moveItem(atPath: log, toPath: log + ".1")
            gateway.send(SIGUSR1)
            try await gateway.waitUntil("the access log is opened anew") { FileManager.default.fileExists(atPath: log) }
            #expect(try await get("/after", at: address) == 200)
            gateway.send(SIGTERM)
            let outcome = try await gateway.waitForExit()
            #expect(outcome.status == 0, "\(outcome.stderr)")
            let old = try String(contentsOfFile: log + ".1", encoding: .utf8)
            let new = try String(contentsOfFile: log, encoding: .utf8)
            #expect(
                old.contains("GET /before-1 ") && old.contains("GET /before-2 ") && !old.contains("/after"),
                "\(old)"
            )
            #expect(new.contains("GET /after ") && !new.contains("/before"), "\(new)")
        } catch {
            gateway.send(SIGKILL)
            _ = try? await gateway.waitForExit()
            gateway.removeOutputFiles()
            await upstream.stop()
            try? await group.shutdownGracefully()
            throw error
        }
        gateway.removeOutputFiles()
        await upstream.stop()
        try await group.shutdownGracefully()
    }
}
