import Foundation
import TestSupport
import Testing

/// The upstream settings through the built binary: no DNS for `--print-config` or `check-config`,
/// and `check-config` naming the line of a bad upstream group.
@Suite("upstream settings as a process", .timeLimit(.minutes(3)))
struct UpstreamConfigProcessTests {
    /// Files the tests write, removed with the folder when the test ends.
    let scratch: TemporaryDirectory

    init() throws {
        self.scratch = try TemporaryDirectory(prefix: "freezegate-upstream-cli")
    }

    func profile(_ text: String) throws -> String {
        let path = self.scratch.path + "/profile-\(UUID().uuidString).yaml"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func printConfigDoesNotResolveUpstreamNames() async throws {
        let outcome = try await ServeProcess.run(
            [
                "serve", "--print-config", "--upstream", "http://crm.invalid:8000", "--upstream",
                "http://crm-2.invalid:8000", "--database-url", "postgresql://gw@db/crm",
            ]
        )
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(
            outcome.stdout.contains(
                "upstream: [\"http://crm.invalid:8000\", \"http://crm-2.invalid:8000\"]  # flag --upstream"
            )
        )
    }

    @Test func serveResolvesWhenItStartsAndSaysWhichNameFailed() async throws {
        let outcome = try await ServeProcess.run(
            [
                "serve", "--upstream", "http://crm.invalid:8000", "--database-url", "postgresql://gw@127.0.0.1:1/crm",
                "--listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0",
            ]
        )
        #expect(outcome.status != 0)
        #expect(outcome.stderr.contains("cannot resolve host 'crm.invalid'"), "\(outcome.stderr)")
    }

    @Test func checkConfigAcceptsGroupsWithoutResolvingThem() async throws {
        let path = try profile(
            """
            upstream: [http://crm.invalid:8000]
            upstream_groups:
              s21:
                policy: tenant_hash
                servers: [http://s21-a.invalid:8000, http://s21-b.invalid:8000]
            upstream_routes:
              s21.online: s21

            """
        )
        let outcome = try await ServeProcess.run(["check-config", path])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.hasPrefix("OK"))
        #expect(outcome.stdout.contains("upstream group s21: tenant_hash, 2 server(s)"))
        #expect(outcome.stdout.contains("s21.online → upstream group s21"))
    }

    @Test(arguments: [
        ("upstream_routes:\n  s21.online: nowhere\n", 2, "unknown upstream group 'nowhere'"),
        ("upstream_groups:\n  s21:\n    servers: [http://10.0.0.1:eighty]\n", 3, "has an invalid port"),
        ("upstream_groups:\n  s21:\n    servers: []\n", 3, "has no servers"),
        ("upstream_groups:\n  s21:\n    servers:\n      - url: http://a:1\n        weight: 0\n", 5, "weight"),
        ("upstream:\n  - http://bad host:80\n", 2, "http://bad host:80"),
    ])
    func checkConfigNamesTheLineOfABadUpstream(yaml: String, line: Int, message: String) async throws {
        let path = try profile(yaml)
        let outcome = try await ServeProcess.run(["check-config", path])
        #expect(outcome.status == 1)
        #expect(outcome.stderr.contains("\(path):\(line):"), "\(outcome.stderr)")
        #expect(outcome.stderr.contains(message), "\(outcome.stderr)")
    }

    /// A file that also holds the gateway's settings: `check-config` checks them as `serve` would
    /// and names a bad one by its line and key.
    @Test func checkConfigChecksTheGatewaySettingsInTheFile() async throws {
        let good = try profile("listen: 0.0.0.0:8080\naccess_log: off\nmax_connections: 500\n")
        let accepted = try await ServeProcess.run(["check-config", good])
        #expect(accepted.status == 0, "\(accepted.stderr)")
        #expect(accepted.stdout.contains("gateway settings: access_log, listen, max_connections"))
        let bad = try profile("listen: 0.0.0.0:8080\nmax_connections: 0\n")
        let refused = try await ServeProcess.run(["check-config", bad])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("\(bad):2: max_connections: must be positive"), "\(refused.stderr)")
        let tls = try profile("tls_listen: 127.0.0.1:8443\ntls_cert: [missing.crt]\ntls_key: [missing.key]\n")
        let missing = try await ServeProcess.run(["check-config", tls])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("missing.crt"), "\(missing.stderr)")
    }
}
