import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Postgres
import TestSupport
import Testing

/// The HTTPS listener as clients use it: `curl` and `openssl s_client` against the built binary,
/// certificates from a certificate authority made for the test.
@Suite("TLS listener", .serialized)
struct TLSListenerProcessTests {
    /// A folder with a CA, a wildcard certificate for the base domain (the first pair: the default)
    /// and one for a school's own domain.
    struct Certificates {
        let folder: TemporaryDirectory
        let authority: TestCertificateAuthority
        var caFile: String { self.folder.path + "/ca.pem" }
        var wildcard: (String, String) { (self.folder.path + "/wild.crt", self.folder.path + "/wild.key") }
        var custom: (String, String) { (self.folder.path + "/acme.crt", self.folder.path + "/acme.key") }

        init() throws {
            self.folder = try TemporaryDirectory()
            self.authority = try TestCertificateAuthority()
            try TestCertificateAuthority.write(self.authority.certificatePEM, to: self.caFile)
            try self.issue(["*.s20.online", "s20.online"], to: self.wildcard)
            try self.issue(["crm.acme-school.com"], to: self.custom)
        }

        func issue(_ names: [String], to files: (String, String), notValidAfter: Date? = nil) throws {
            let issued =
                try notValidAfter.map { try self.authority.issue(dnsNames: names, notValidAfter: $0) }
                ?? self.authority.issue(dnsNames: names)
            try TestCertificateAuthority.write(issued.certificatePEM, to: files.0)
            try TestCertificateAuthority.write(issued.keyPEM, to: files.1)
        }
    }

    /// A running gateway with only the HTTPS listener, a real database (a frozen `school`) and a
    /// recording upstream.
    struct Gateway {
        let process: ServeProcess
        let port: Int
        let adminPort: Int
        let upstream: RecordingUpstream
        let group: MultiThreadedEventLoopGroup

        static func start(_ certificates: Certificates, extra: [String] = []) async throws -> Gateway {
            let databaseURL = try await TestPostgres.shared.makeMigratedDatabase(prefix: "tls")
            // The gateway connects as a login role with only the gateway's group role.
            let gatewayURL = try await TestPostgres.shared.gatewayURL(for: databaseURL)
            let database = try await PostgresConnection.connect(databaseURL)
            try await database.execute(
                """
                SELECT freezegate.create_tenant('school', 'boss@school.example', now() + interval '200 days');
                SELECT freezegate.force_freeze('school', now(), now() + interval '40 days', 'tls test');
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
                    "--threads", "1", "--drain-timeout", "1", "--access-log", "off",
                ] + extra,
                environment: ["DATABASE_URL": gatewayURL]
            )
            let gateway = Gateway(process: process, port: port, adminPort: adminPort, upstream: upstream, group: group)
            try await process.waitUntil("the gateway is ready") {
                let status = try? await BlockingWork.run {
                    try CommandRunner.run([
                        "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:\(adminPort)/readyz",
                    ])
                }
                return status == "200"
            }
            return gateway
        }

        /// SIGTERM must end the gateway with 0, every listener closed (two listeners once kept it
        /// running).
        func stop() async throws {
            self.process.send(SIGTERM)
            let outcome = try await self.process.waitForExit()
            #expect(outcome.status == 0, "\(outcome.stderr)")
            self.process.removeOutputFiles()
            await self.upstream.stop()
            try await self.group.shutdownGracefully()
        }

        /// `curl` over HTTPS to `host` (resolved to the listener), trusting the test CA.
        func curl(
            _ certificates: Certificates,
            host: String,
            path: String,
            headers: [String] = [],
            http2: Bool = false
        ) async throws -> String {
            let arguments =
                [
                    "curl", "-s", "-i", http2 ? "--http2" : "--http1.1", "--cacert", certificates.caFile, "--resolve",
                    "\(host):\(self.port):127.0.0.1",
                ] + headers.flatMap { ["-H", $0] } + ["https://\(host):\(self.port)\(path)"]
            return try await BlockingWork.run { try CommandRunner.run(arguments) }
        }

        /// `openssl s_client` with `options`; its output, whether the handshake worked or not.
        func sClient(_ options: [String]) async throws -> String {
            let arguments = ["openssl", "s_client", "-connect", "127.0.0.1:\(self.port)"] + options
            return try await BlockingWork.run {
                do {
                    return try CommandRunner.run(arguments)
                } catch let failure as CommandRunner.Failure {
                    return failure.output
                }
            }
        }
    }

    @Test func httpsForwardsAndBlocksWithTheRightCertificateForEachName() async throws {
        let certificates = try Certificates()
        let gateway = try await Gateway.start(certificates, extra: ["--hsts-max-age", "31536000"])
        do {
            // The wildcard serves the base domain; the blocked page is answered over TLS.
            let blocked = try await gateway.curl(certificates, host: "school.s20.online", path: "/company/1/dashboard")
            #expect(blocked.hasPrefix("HTTP/1.1 403"), "\(blocked)")
            #expect(blocked.lowercased().contains("strict-transport-security: max-age=31536000"))
            #expect(blocked.lowercased().contains("x-request-id: "))
            let forwarded = try await gateway.curl(
                certificates,
                host: "school.s20.online",
                path: "/customer/1/schedule"
            )
            #expect(forwarded.hasPrefix("HTTP/1.1 200"), "\(forwarded)")
            #expect(forwarded.contains("upstream:/customer/1/schedule"))
            let seen = try #require(gateway.upstream.requests.last)
            #expect(seen.head.headers["x-forwarded-proto"] == ["https"])
            // A school's own domain gets its own certificate (curl verifies the name).
            let custom = try await gateway.curl(certificates, host: "crm.acme-school.com", path: "/customer/1")
            #expect(custom.hasPrefix("HTTP/1.1 200"), "\(custom)")

            // What each client is shown, by SNI.
            let exact = try await gateway.sClient(["-servername", "crm.acme-school.com"])
            #expect(exact.contains("CN = crm.acme-school.com") || exact.contains("CN=crm.acme-school.com"), "\(exact)")
            let unknown = try await gateway.sClient(["-servername", "unknown.example"])
            #expect(unknown.contains("CN = *.s20.online") || unknown.contains("CN=*.s20.online"), "\(unknown)")
            let noName = try await gateway.sClient(["-noservername"])
            #expect(noName.contains("CN = *.s20.online") || noName.contains("CN=*.s20.online"), "\(noName)")
            // ALPN h2 first, http/1.1 for clients without HTTP/2; TLS 1.1 refused; TLS 1.3 and 1.2 spoken.
            let alpn = try await gateway.sClient(["-servername", "school.s20.online", "-alpn", "h2,http/1.1"])
            #expect(alpn.contains("ALPN protocol: h2"), "\(alpn)")
            let alpn11 = try await gateway.sClient(["-servername", "school.s20.online", "-alpn", "http/1.1"])
            #expect(alpn11.contains("ALPN protocol: http/1.1"), "\(alpn11)")
            let old = try await gateway.sClient(["-servername", "school.s20.online", "-tls1_1"])
            #expect(!old.contains("Cipher is ECDHE") && !old.contains("New, TLSv1.1"), "\(old)")
            let tls12 = try await gateway.sClient(["-servername", "school.s20.online", "-tls1_2"])
            #expect(tls12.contains("New, TLSv1.2"), "\(tls12)")
            let tls13 = try await gateway.sClient(["-servername", "school.s20.online", "-tls1_3"])
            #expect(tls13.contains("New, TLSv1.3"), "\(tls13)")

            // Handshakes by version, the refused TLS 1.1 by reason, each certificate's expiry.
            let adminPort = gateway.adminPort
            let metrics = try await BlockingWork.run {
                try CommandRunner.run(["curl", "-s", "http://127.0.0.1:\(adminPort)/metrics"])
            }
            func value(_ series: String) -> Double? {
                metrics.split(separator: "\n").first { $0.hasPrefix(series + " ") }
                    .flatMap { Double($0.split(separator: " ").last ?? "") }
            }
            #expect((value(#"freezegate_tls_handshakes_total{version="1.3"}"#) ?? 0) >= 1, "\(metrics)")
            #expect((value(#"freezegate_tls_handshakes_total{version="1.2"}"#) ?? 0) >= 1)
            #expect((value(#"freezegate_tls_handshake_failures_total{reason="unsupported_protocol"}"#) ?? 0) >= 1)
            let expiry = value(
                #"freezegate_tls_certificate_not_after_seconds{certificate="\#(certificates.wildcard.0)"}"#
            )
            #expect(expiry.map { $0 > Date().timeIntervalSince1970 + 20 * 86_400 } == true, "\(metrics)")
        } catch {
            try await gateway.stop()
            throw error
        }
        try await gateway.stop()
    }

    /// A browser's HTTP/2: the same Gate on every stream, forwarded over HTTP/1.1.
    @Test func http2ForwardsAndBlocksLikeHTTP1() async throws {
        let certificates = try Certificates()
        let gateway = try await Gateway.start(certificates)
        do {
            let blocked = try await gateway.curl(
                certificates,
                host: "school.s20.online",
                path: "/company/1/dashboard",
                http2: true
            )
            #expect(blocked.hasPrefix("HTTP/2 403"), "\(blocked)")
            #expect(blocked.lowercased().contains("x-request-id: "))
            #expect(!blocked.lowercased().contains("connection:"))
            let forwarded = try await gateway.curl(
                certificates,
                host: "school.s20.online",
                path: "/customer/1/schedule",
                http2: true
            )
            #expect(forwarded.hasPrefix("HTTP/2 200"), "\(forwarded)")
            #expect(forwarded.contains("upstream:/customer/1/schedule"))
            let seen = try #require(gateway.upstream.requests.last)
            #expect(seen.head.version == .http1_1)
            #expect(seen.head.headers["x-forwarded-proto"] == ["https"])
            #expect(seen.head.headers["host"] == ["school.s20.online:\(gateway.port)"])
            // Exchanges by protocol, HTTP/2 connections and streams.
            let adminPort = gateway.adminPort
            let metrics = try await BlockingWork.run {
                try CommandRunner.run(["curl", "-s", "http://127.0.0.1:\(adminPort)/metrics"])
            }
            func value(_ series: String) -> Double? {
                metrics.split(separator: "\n").first { $0.hasPrefix(series + " ") }
                    .flatMap { Double($0.split(separator: " ").last ?? "") }
            }
            #expect(value(#"freezegate_http_requests_total{protocol="http2"}"#) == 2, "\(metrics)")
            #expect(value(#"freezegate_http_requests_total{protocol="http1"}"#) == 0)
            #expect(value("freezegate_http2_connections_total") == 2)
            #expect(value("freezegate_http2_streams_total") == 2)
        } catch {
            try await gateway.stop()
            throw error
        }
        try await gateway.stop()
    }

    @Test func sighupSwapsACertificateAndABrokenOneKeepsTheOldSet() async throws {
        let certificates = try Certificates()
        let gateway = try await Gateway.start(certificates)
        do {
            let before = try await gateway.sClient(["-servername", "crm.acme-school.com"])
            #expect(before.contains("crm.acme-school.com"))
            // A keep-alive TLS connection opened before the reload must survive it.
            var clientTLS = TLSConfiguration.makeClientConfiguration()
            clientTLS.trustRoots = .file(certificates.caFile)
            let kept = try await RawHTTPConnection.connect(
                to: try SocketAddress(ipAddress: "127.0.0.1", port: gateway.port),
                group: gateway.group,
                tls: try NIOSSLContext(configuration: clientTLS),
                serverName: "crm.acme-school.com"
            )
            try await kept.send("GET /customer/1 HTTP/1.1\r\nHost: crm.acme-school.com\r\n\r\n")
            #expect(await kept.waitForResponses(1).first?.status == 200)
            // The school's certificate now also names a second domain.
            try certificates.issue(["crm.acme-school.com", "new.acme-school.com"], to: certificates.custom)
            gateway.process.send(SIGHUP)
            try await gateway.process.waitUntil("the new certificate is served") {
                // Until the reload is done the old certificate is served, which does not name the new
                // domain: curl refuses it (exit 60), and the poll goes on.
                let reply = try? await gateway.curl(certificates, host: "new.acme-school.com", path: "/customer/1")
                return reply?.hasPrefix("HTTP/1.1 200") ?? false
            }
            try await kept.send("GET /customer/2 HTTP/1.1\r\nHost: crm.acme-school.com\r\n\r\n")
            let keptResponses = await kept.waitForResponses(2)
            #expect(keptResponses.count == 2)
            #expect(keptResponses.last?.status == 200)
            #expect(!kept.isClosed)
            await kept.close()
            // A key that does not match: the whole old set stays, and the log says why.
            try TestCertificateAuthority.write(
                try certificates.authority.issue(dnsNames: ["other.example"]).keyPEM,
                to: certificates.custom.1
            )
            gateway.process.send(SIGHUP)
            try await gateway.process.waitUntil("the failed reload is logged") {
                gateway.process.stderr.contains("certificate reload failed")
            }
            #expect(gateway.process.stderr.contains("does not match the certificate"))
            let after = try await gateway.curl(certificates, host: "new.acme-school.com", path: "/customer/1")
            #expect(after.hasPrefix("HTTP/1.1 200"), "\(after)")
        } catch {
            try await gateway.stop()
            throw error
        }
        try await gateway.stop()
    }

    @Test func theProfilesHTTPSRedirectAppliesToThePlainListenerOnly() async throws {
        let certificates = try Certificates()
        let profile = certificates.folder.path + "/profile.yaml"
        try "https_redirect: [admin, client]\n".write(toFile: profile, atomically: true, encoding: .utf8)
        let plainPort = try FreePort.find()
        let gateway = try await Gateway.start(
            certificates,
            extra: ["--listen", "127.0.0.1:\(plainPort)", "--config", profile]
        )
        do {
            let plain = try await BlockingWork.run {
                try CommandRunner.run([
                    "curl", "-s", "-i", "-H", "Host: school.s20.online", "http://127.0.0.1:\(plainPort)/customer/1?x=1",
                ])
            }
            #expect(plain.hasPrefix("HTTP/1.1 308"), "\(plain)")
            #expect(plain.contains("Location: https://school.s20.online/customer/1?x=1"), "\(plain)")
            // Integrations keep working over HTTP; over HTTPS nothing is redirected.
            let api = try await BlockingWork.run {
                try CommandRunner.run([
                    "curl", "-s", "-i", "-H", "Host: school.s20.online", "http://127.0.0.1:\(plainPort)/api/1/hook",
                ])
            }
            #expect(api.hasPrefix("HTTP/1.1 200"), "\(api)")
            let secure = try await gateway.curl(certificates, host: "school.s20.online", path: "/customer/1")
            #expect(secure.hasPrefix("HTTP/1.1 200"), "\(secure)")
        } catch {
            try await gateway.stop()
            throw error
        }
        try await gateway.stop()
    }

    @Test func badCertificatesStopTheStartWithOneLineNamingTheFile() async throws {
        let certificates = try Certificates()
        let wrongKey = certificates.folder.path + "/wrong.key"
        try TestCertificateAuthority.write(
            try certificates.authority.issue(dnsNames: ["x.example"]).keyPEM,
            to: wrongKey
        )
        let expired = (certificates.folder.path + "/old.crt", certificates.folder.path + "/old.key")
        try certificates.issue(["old.example"], to: expired, notValidAfter: Date().addingTimeInterval(-60))
        let missing = certificates.folder.path + "/missing.crt"
        let cases: [([String], String)] = [
            (
                ["--tls-cert", certificates.wildcard.0, "--tls-key", wrongKey],
                "\(wrongKey): the private key does not match"
            ),
            (["--tls-cert", expired.0, "--tls-key", expired.1], "\(expired.0): the certificate expired on"),
            (["--tls-cert", missing, "--tls-key", missing], "\(missing): cannot read the file"),
            ([], "--tls-listen: no certificate"),
            (["--tls-cert", certificates.wildcard.0], "--tls-cert and --tls-key come in pairs"),
        ]
        for (flags, expected) in cases {
            let port = try FreePort.find()
            let outcome = try await ServeProcess.run(
                [
                    "serve", "--upstream", "http://127.0.0.1:1", "--tls-listen", "127.0.0.1:\(port)",
                    "--database-url", "postgresql://nobody@/none?host=/nonexistent",
                ] + flags
            )
            #expect(outcome.status != 0, "\(flags)")
            let firstLine = outcome.stderr.split(separator: "\n").first.map(String.init) ?? ""
            #expect(firstLine.contains(expected), "\(flags): \(outcome.stderr)")
        }
    }
}
