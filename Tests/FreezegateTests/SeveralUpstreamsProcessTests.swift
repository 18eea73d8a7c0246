import Foundation
import NIOCore
import NIOPosix
import Postgres
import TestSupport
import Testing

/// `freezegate serve` in front of three demo CRM processes: round robin spreads evenly (seen in
/// the per-server metrics), and a CRM process killed under load costs no GET request.
@Suite("serve with several upstream processes", .serialized, .timeLimit(.minutes(3)))
struct SeveralUpstreamsProcessTests {
    static func value(_ series: String, in text: String) -> Double {
        for line in text.split(separator: "\n") where line.hasPrefix(series + " ") {
            return Double(line.dropFirst(series.count + 1)) ?? .nan
        }
        return 0
    }

    @Test func roundRobinAndAKilledServerUnderLoad() async throws {
        let databaseURL = try await TestPostgres.shared.makeMigratedDatabase(prefix: "upstreams")
        // The gateway connects as a login role with only the gateway's group role.
        let gatewayURL = try await TestPostgres.shared.gatewayURL(for: databaseURL)
        let database = try await PostgresConnection.connect(databaseURL)
        try await database.execute(
            "SELECT freezegate.create_tenant('acme', 'boss@acme.example', now() + interval '200 days');"
        )
        await database.close()
        var started: [DemoCRMProcess] = []
        for _ in 0..<3 { started.append(try await DemoCRMProcess.start()) }
        let crms = started
        defer { for crm in crms { crm.stop() } }
        let (port, adminPort) = (try FreePort.find(), try FreePort.find())
        let gateway = try ServeProcess.start(
            ["serve", "--listen", "127.0.0.1:\(port)", "--admin-listen", "127.0.0.1:\(adminPort)", "--threads", "1"]
                + crms.flatMap { ["--upstream", "http://127.0.0.1:\($0.port)"] },
            environment: ["DATABASE_URL": gatewayURL, "FREEZEGATE_ACCESS_LOG": "off"]
        )
        defer {
            gateway.send(SIGKILL)
            gateway.removeOutputFiles()
        }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let address = try SocketAddress(ipAddress: "127.0.0.1", port: port)
        let admin = try SocketAddress(ipAddress: "127.0.0.1", port: adminPort)
        func metrics() async throws -> String {
            try await RawHTTPConnection.exchange(
                "GET /metrics HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
                with: admin,
                group: group
            ).responses.first?.bodyText ?? ""
        }
        func server(_ index: Int) -> String { "{server=\"127.0.0.1:\(crms[index].port)\"}" }
        do {
            try await gateway.waitUntil("the gateway is ready") {
                let ready = try? await RawHTTPConnection.exchange(
                    "GET /readyz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
                    with: admin,
                    group: group
                )
                return ready?.responses.first?.status == 200
            }
            // Round robin on one event loop: exactly one in three each.
            for _ in 0..<30 {
                let response = try await RawHTTPConnection.exchange(
                    "GET /customer/1/schedule HTTP/1.1\r\nHost: acme.s20.online\r\nConnection: close\r\n\r\n",
                    with: address,
                    group: group
                ).responses.first
                #expect(response?.status == 200)
            }
            let spread = try await metrics()
            for index in 0..<3 {
                #expect(Self.value("freezegate_upstream_server_requests_total\(server(index))", in: spread) == 10)
            }

            // Four keep-alive clients; a CRM process is killed while they run.
            let statuses = try await withThrowingTaskGroup(of: [Int].self) { tasks in
                for _ in 0..<4 {
                    tasks.addTask {
                        let connection = try await RawHTTPConnection.connect(to: address, group: group)
                        for index in 0..<50 {
                            try await connection.send(
                                "GET /customer/1/schedule HTTP/1.1\r\nHost: acme.s20.online\r\n\r\n"
                            )
                            if await connection.waitForResponses(index + 1).count <= index { break }
                        }
                        await connection.close()
                        return HTTPRawResponse.parseAll(connection.bytes).map(\.status)
                    }
                }
                tasks.addTask {
                    // Killed once the clients are well under way (a quarter of their requests).
                    while true {
                        let text = try await metrics()
                        let answered = (0..<3).map {
                            Self.value("freezegate_upstream_server_requests_total\(server($0))", in: text)
                        }
                        if answered.reduce(0, +) >= 80 { break }
                        try await Task.sleep(for: .milliseconds(5))
                    }
                    crms[1].process.kill()
                    _ = crms[1].process.wait()
                    return []
                }
                var all: [Int] = []
                for try await statuses in tasks { all += statuses }
                return all
            }
            #expect(statuses.count == 200)
            // The killed one answered some, and the survivors the rest.
            let load = try await metrics()
            #expect(Self.value("freezegate_upstream_server_requests_total\(server(1))", in: load) < 10 + 200 / 3)
            #expect(statuses.allSatisfy { $0 == 200 }, "\(statuses.filter { $0 != 200 })")
            // The dead one is taken out once its connections are refused.
            for _ in 0..<6 {
                _ = try await RawHTTPConnection.exchange(
                    "GET /customer/1/schedule HTTP/1.1\r\nHost: acme.s20.online\r\nConnection: close\r\n\r\n",
                    with: address,
                    group: group
                )
            }
            let after = try await metrics()
            #expect(Self.value("freezegate_upstream_server_up\(server(1))", in: after) == 0)
            #expect(Self.value("freezegate_upstream_server_up\(server(0))", in: after) == 1)
            #expect(Self.value("freezegate_upstream_group_servers_up{group=\"default\"}", in: after) == 2)
        } catch {
            Issue.record(error)
        }
        try? await group.shutdownGracefully()
    }
}
