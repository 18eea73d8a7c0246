import Foundation
import NIOCore
import NIOPosix
import Postgres
import TestSupport
import Testing

/// `Type=notify` as systemd sees it: the real binary started with `NOTIFY_SOCKET` pointing at a
/// real unix datagram socket sends `READY=1` once its first snapshot is loaded and `STOPPING=1`
/// when SIGTERM starts the drain.
@Suite("sd_notify from a running gateway", .serialized, .timeLimit(.minutes(3)))
struct SystemdNotifyProcessTests {
    static func readyz(_ port: Int, group: any EventLoopGroup) async -> Int? {
        guard let address = try? SocketAddress(ipAddress: "127.0.0.1", port: port) else { return nil }
        let request = "GET /readyz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
        return try? await RawHTTPConnection.exchange(request, with: address, group: group).responses.first?.status
    }

    @Test(arguments: [false, true])
    func readyWhenTheSnapshotIsLoadedAndStoppingWhenDraining(abstract: Bool) async throws {
        let databaseURL = try await TestPostgres.shared.makeMigratedDatabase(prefix: "notify")
        // The gateway connects as a login role with only the gateway's group role.
        let gatewayURL = try await TestPostgres.shared.gatewayURL(for: databaseURL)
        let receiver = try NotifySocketReceiver(abstract: abstract)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let adminPort = try FreePort.find()
        let gateway = try ServeProcess.start(
            [
                "serve", "--upstream", "http://127.0.0.1:\(try FreePort.find())",
                "--listen", "127.0.0.1:\(try FreePort.find())", "--admin-listen", "127.0.0.1:\(adminPort)",
                "--threads", "1", "--drain-timeout", "1", "--access-log", "off",
            ],
            environment: ["DATABASE_URL": gatewayURL, "NOTIFY_SOCKET": receiver.notifySocket]
        )
        defer { gateway.removeOutputFiles() }
        let ready = await receiver.receive(timeout: .seconds(30))
        // Sent only once ready: /readyz already answers 200 when the message arrives.
        let readyzStatus = await Self.readyz(adminPort, group: group)
        #expect(ready?.split(separator: "\n").first == "READY=1", "got \(ready ?? "nothing"); \(gateway.stderr)")
        #expect(readyzStatus == 200)
        gateway.send(SIGTERM)
        let stopping = await receiver.receive(timeout: .seconds(10))
        #expect(stopping?.split(separator: "\n").first == "STOPPING=1", "got \(stopping ?? "nothing")")
        let outcome = try await gateway.waitForExit()
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(await receiver.receive(timeout: .milliseconds(200)) == nil)
        try await group.shutdownGracefully()
    }

    /// Without a database there is no snapshot: no READY=1 (systemd keeps the unit "activating"),
    /// while /healthz answers and SIGTERM still reports STOPPING=1 and exits 0.
    @Test func noReadyWithoutASnapshot() async throws {
        let receiver = try NotifySocketReceiver(abstract: false)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let adminPort = try FreePort.find()
        // Nothing listens there: the sync keeps retrying and never loads a snapshot.
        let deadDatabase = "postgresql://nobody@127.0.0.1:\(try FreePort.find())/none?connect_timeout=1"
        let gateway = try ServeProcess.start(
            [
                "serve", "--upstream", "http://127.0.0.1:\(try FreePort.find())",
                "--listen", "127.0.0.1:\(try FreePort.find())", "--admin-listen", "127.0.0.1:\(adminPort)",
                "--threads", "1", "--drain-timeout", "1", "--access-log", "off",
            ],
            environment: ["DATABASE_URL": deadDatabase, "NOTIFY_SOCKET": receiver.notifySocket]
        )
        defer { gateway.removeOutputFiles() }
        try await gateway.waitUntil("the admin listener answers") {
            await Self.readyz(adminPort, group: group) == 503
        }
        #expect(await receiver.receive(timeout: .seconds(3)) == nil)
        #expect(await Self.readyz(adminPort, group: group) == 503)
        gateway.send(SIGTERM)
        let stopping = await receiver.receive(timeout: .seconds(10))
        #expect(stopping?.split(separator: "\n").first == "STOPPING=1", "got \(stopping ?? "nothing")")
        let outcome = try await gateway.waitForExit()
        #expect(outcome.status == 0, "\(outcome.stderr)")
        try await group.shutdownGracefully()
    }
}
