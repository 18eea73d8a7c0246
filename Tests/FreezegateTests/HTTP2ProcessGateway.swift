import Foundation
import NIOHTTP1
import NIOPosix
import Postgres
import TestSupport
import Testing

/// The built binary with only the HTTPS listener, in front of a recording upstream, with the
/// tenants of ``GatewayHarness`` (acme active with crm.acme-school.com, school frozen,
/// oldschool expired) and the access log as JSON lines on stdout: what HTTP/2 clients such as
/// `curl --http2` and `nghttp` talk to.
struct HTTP2ProcessGateway {
    let process: ServeProcess
    let port: Int
    let upstream: RecordingUpstream
    let group: MultiThreadedEventLoopGroup
    let certificates: TLSListenerProcessTests.Certificates

    static func start() async throws -> HTTP2ProcessGateway {
        let certificates = try TLSListenerProcessTests.Certificates()
        let databaseURL = try await TestPostgres.shared.makeMigratedDatabase(prefix: "h2")
        // The gateway connects as a login role with only the gateway's group role.
        let gatewayURL = try await TestPostgres.shared.gatewayURL(for: databaseURL)
        let database = try await PostgresConnection.connect(databaseURL)
        try await database.execute(
            """
            SELECT freezegate.create_tenant('acme', 'boss@acme.example', now() + interval '200 days');
            SELECT freezegate.add_domain('acme', 'crm.acme-school.com');
            SELECT freezegate.create_tenant('school', 'boss@school.example', now() + interval '200 days');
            SELECT freezegate.force_freeze('school', now(), now() + interval '40 days', 'h2 test');
            SELECT freezegate.create_tenant('oldschool', 'boss@old.example', now() - interval '3 days');
            """
        )
        await database.close()
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let upstream = RecordingUpstream(group: group) { head in
            .respond(.ok, HTTPHeaders([("Content-Type", "text/plain")]), "upstream:\(head.uri)")
        }
        let upstreamAddress = try await upstream.start()
        let (port, adminPort) = (try FreePort.find(), try FreePort.find())
        let process = try ServeProcess.start(
            [
                "serve", "--upstream", "http://127.0.0.1:\(upstreamAddress.port ?? 0)",
                "--tls-listen", "127.0.0.1:\(port)", "--admin-listen", "127.0.0.1:\(adminPort)",
                "--tls-cert", certificates.wildcard.0, "--tls-key", certificates.wildcard.1,
                "--tls-cert", certificates.custom.0, "--tls-key", certificates.custom.1,
                "--threads", "1", "--drain-timeout", "1", "--access-log-format", "json",
            ],
            environment: ["DATABASE_URL": gatewayURL]
        )
        try await process.waitUntil("the gateway is ready") {
            let status = try? await BlockingWork.run {
                try CommandRunner.run([
                    "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:\(adminPort)/readyz",
                ])
            }
            return status == "200"
        }
        return HTTP2ProcessGateway(
            process: process,
            port: port,
            upstream: upstream,
            group: group,
            certificates: certificates
        )
    }

    func stop() async throws {
        self.process.send(SIGTERM)
        let outcome = try await self.process.waitForExit()
        #expect(outcome.status == 0, "\(outcome.stderr)")
        self.process.removeOutputFiles()
        await self.upstream.stop()
        try await self.group.shutdownGracefully()
    }

    /// `curl --http2` to `host` (resolved to the listener, the test CA trusted): the response
    /// head and body as curl prints them with `-i`.
    func curl(_ method: String = "GET", host: String, path: String, headers: [String] = []) async throws -> String {
        let arguments =
            [
                "curl", "-s", "-i", "--http2", "--cacert", self.certificates.caFile,
                "--resolve", "\(host):\(self.port):127.0.0.1",
            ] + (method == "HEAD" ? ["-I"] : ["-X", method]) + headers.flatMap { ["-H", $0] }
            + ["https://\(host):\(self.port)\(path)"]
        return try await BlockingWork.run { try CommandRunner.run(arguments) }
    }

    /// `nghttp` fetching every path at once over one connection with `host` as `:authority`;
    /// its output with `-v` (each frame sent and received).
    func nghttp(host: String, paths: [String]) async throws -> String {
        let arguments =
            ["nghttp", "-v", "-n", "-H", ":authority: \(host)"]
            + paths.map { "https://127.0.0.1:\(self.port)\($0)" }
        return try await BlockingWork.run { try CommandRunner.run(arguments) }
    }

    /// The access log so far, one JSON object per line.
    var accessLog: [[String: Any]] {
        self.process.stdout.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    /// Waits until the access log holds `count` lines (it is written at least once a second).
    func accessLog(count: Int) async throws -> [[String: Any]] {
        try await self.process.waitUntil("\(count) access-log lines") { self.accessLog.count >= count }
        return self.accessLog
    }
}
