import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Postgres
import TestSupport

/// `/metrics` of the real `freezegate serve` process: once right after it turned ready (before any
/// request) and once after a little traffic, with a plain and an HTTPS listener, a real
/// PostgreSQL (an active and a frozen school) and a recording upstream.
///
/// Several suites compare files with the gateway's real exposition; the gateway runs once for
/// all of them and is stopped before the texts are handed out.
struct GatewayScrape: Sendable {
    /// Right after `/readyz` turned 200: only what exists from the start.
    var initial: String
    /// After forwarded, blocked and rejected requests over both listeners.
    var afterTraffic: String

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    private actor Cache {
        var task: Task<GatewayScrape, any Error>?

        func get() -> Task<GatewayScrape, any Error> {
            if let task { return task }
            let task = Task { try await GatewayScrape.run() }
            self.task = task
            return task
        }
    }

    private static let cache = Cache()

    static func capture() async throws -> GatewayScrape {
        try await cache.get().value
    }

    /// The sample names of an exposition (`name{labels} value` → `name`), comments left out.
    static func sampleNames(_ text: String) -> Set<String> {
        var names: Set<String> = []
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let end = line.firstIndex { $0 == "{" || $0 == " " } ?? line.endIndex
            names.insert(String(line[..<end]))
        }
        return names
    }

    /// The families of an exposition with their `# TYPE`.
    static func families(_ text: String) -> [String: String] {
        var families: [String: String] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("# TYPE ") {
            let parts = line.split(separator: " ")
            if parts.count == 4 { families[String(parts[2])] = String(parts[3]) }
        }
        return families
    }

    private static func run() async throws -> GatewayScrape {
        let databaseURL = try await TestPostgres.shared.makeMigratedDatabase(prefix: "scrape")
        // The gateway connects as a login role with only the gateway's group role.
        let gatewayURL = try await TestPostgres.shared.gatewayURL(for: databaseURL)
        let database = try await PostgresConnection.connect(databaseURL)
        try await database.execute(
            """
            SELECT freezegate.create_tenant('acme', 'boss@acme.example', now() + interval '200 days');
            SELECT freezegate.create_tenant('school', 'boss@school.example', now() + interval '200 days');
            SELECT freezegate.force_freeze('school', now(), now() + interval '40 days', 'scrape test');
            """
        )
        await database.close()
        let folder = try TemporaryDirectory()
        let authority = try TestCertificateAuthority()
        let issued = try authority.issue(dnsNames: ["*.s20.online"])
        let (certificate, key) = (folder.path + "/wild.crt", folder.path + "/wild.key")
        try TestCertificateAuthority.write(issued.certificatePEM, to: certificate)
        try TestCertificateAuthority.write(issued.keyPEM, to: key)

        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let upstream = RecordingUpstream(group: group) { head in
            .respond(.ok, HTTPHeaders([("Content-Type", "text/plain")]), "upstream:\(head.uri)")
        }
        let upstreamAddress = try await upstream.start()
        let (port, tlsPort, adminPort) = (try FreePort.find(), try FreePort.find(), try FreePort.find())
        let process = try ServeProcess.start(
            [
                "serve", "--upstream", "http://127.0.0.1:\(upstreamAddress.port ?? 0)",
                "--listen", "127.0.0.1:\(port)", "--tls-listen", "127.0.0.1:\(tlsPort)",
                "--tls-cert", certificate, "--tls-key", key,
                "--admin-listen", "127.0.0.1:\(adminPort)", "--threads", "1", "--drain-timeout", "1",
                "--access-log", "off",
            ],
            environment: ["DATABASE_URL": gatewayURL]
        )
        let address = try SocketAddress(ipAddress: "127.0.0.1", port: port)
        let admin = try SocketAddress(ipAddress: "127.0.0.1", port: adminPort)
        func get(_ target: String, host: String, at address: SocketAddress) async throws -> (Int?, String) {
            let request = "GET \(target) HTTP/1.1\r\nHost: \(host)\r\nConnection: close\r\n\r\n"
            let exchange = try await RawHTTPConnection.exchange(request, with: address, group: group)
            return (exchange.responses.first?.status, exchange.responses.first?.bodyText ?? "")
        }
        do {
            try await process.waitUntil("the gateway is ready") {
                (try? await get("/readyz", host: "localhost", at: admin))?.0 == 200
            }
            let (initialStatus, initial) = try await get("/metrics", host: "localhost", at: admin)
            guard initialStatus == 200 else { throw Failure(description: "/metrics answered \(initialStatus ?? 0)") }
            _ = try await get("/customer/1/schedule", host: "acme.s20.online", at: address)
            _ = try await get("/company/1/dashboard", host: "school.s20.online", at: address)
            _ = try await get("/", host: "", at: address)
            _ = try? await BlockingWork.run {
                try CommandRunner.run([
                    "curl", "-s", "-o", "/dev/null", "--http1.1", "-k", "--resolve",
                    "acme.s20.online:\(tlsPort):127.0.0.1", "https://acme.s20.online:\(tlsPort)/customer/1/x",
                ])
            }
            var afterTraffic = ""
            // The request metrics are written when each access-log record is: poll until they show.
            try await process.waitUntil("the requests are counted") {
                afterTraffic = try await get("/metrics", host: "localhost", at: admin).1
                let forwarded = #"freezegate_requests_total{class="client",decision="forward",status="2xx"} 2"#
                let blocked = #"freezegate_requests_total{class="admin",decision="block",status="4xx"} 1"#
                return afterTraffic.contains(forwarded) && afterTraffic.contains(blocked)
                    && afterTraffic.contains(#"freezegate_tls_handshakes_total{version="1.3"} 1"#)
            }
            process.send(SIGTERM)
            let outcome = try await process.waitForExit()
            process.removeOutputFiles()
            await upstream.stop()
            try await group.shutdownGracefully()
            guard outcome.status == 0 else { throw Failure(description: "serve exited \(outcome.status)") }
            return GatewayScrape(initial: initial, afterTraffic: afterTraffic)
        } catch {
            process.send(SIGKILL)
            _ = try? await process.waitForExit()
            process.removeOutputFiles()
            await upstream.stop()
            try? await group.shutdownGracefully()
            throw error
        }
    }
}
