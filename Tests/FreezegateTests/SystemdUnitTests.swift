import Foundation
import TestSupport
import Testing

/// deploy/systemd: the unit checked by `systemd-analyze verify` and `security`, and its
/// environment file accepted by the gateway.
///
/// No test starts the unit under systemd: the development machine and CI run in a container
/// whose process 1 is not systemd. The readiness protocol itself is tested against the real
/// binary in `SystemdNotifyProcessTests`.
@Suite("systemd unit", .timeLimit(.minutes(2)))
struct SystemdUnitTests {
    static let unit = DeployTool.file("deploy/systemd/freezegate.service")
    static let environmentFile = DeployTool.file("deploy/systemd/freezegate.env")
    static let analyzeMissing: Comment = "systemd-analyze missing (apt-get install systemd)"

    /// The unit with its ExecStart pointed at the freshly built binary: `verify` insists that the
    /// program exists, and /usr/local/bin/freezegate does not on a build machine. Nothing else
    /// changes.
    static func verifiableCopy(in folder: TemporaryDirectory, replacing: (String) -> String = { $0 }) throws -> String {
        let text = try String(contentsOfFile: unit, encoding: .utf8)
        let copy = folder.path + "/freezegate.service"
        let pointed = text.replacingOccurrences(
            of: "ExecStart=/usr/local/bin/freezegate ",
            with: "ExecStart=\(BuiltProducts.freezegate) "
        )
        try replacing(pointed).write(toFile: copy, atomically: true, encoding: .utf8)
        return copy
    }

    @Test(.enabled(if: DeployTool.enabled(DeployTool.systemdAnalyze), analyzeMissing))
    func systemdAnalyzeVerifiesTheUnitWithoutAWord() async throws {
        let analyze = try #require(DeployTool.systemdAnalyze, Self.analyzeMissing)
        let folder = try TemporaryDirectory()
        let copy = try Self.verifiableCopy(in: folder)
        #expect(try String(contentsOfFile: copy, encoding: .utf8) != String(contentsOfFile: Self.unit, encoding: .utf8))
        let outcome = try await ChildProcess.run([analyze, "verify", copy], timeLimit: 60)
        // verify reports bad values as warnings and still exits 0: silence is the pass.
        #expect(outcome.status == 0, "\(outcome)")
        #expect(outcome.stdout.isEmpty && outcome.stderr.isEmpty, "\(outcome)")

        // And it does speak up: a misspelt setting is reported.
        let broken = try Self.verifiableCopy(in: folder) {
            $0.replacingOccurrences(of: "ProtectSystem=strict", with: "ProtectSystem=strickt")
        }
        let complaint = try await ChildProcess.run([analyze, "verify", broken], timeLimit: 60)
        #expect(complaint.stderr.contains("strickt"), "\(complaint)")
    }

    @Test(.enabled(if: DeployTool.enabled(DeployTool.systemdAnalyze), analyzeMissing))
    func theHardeningRatesAsLowExposure() async throws {
        let analyze = try #require(DeployTool.systemdAnalyze, Self.analyzeMissing)
        let folder = try TemporaryDirectory()
        let copy = try Self.verifiableCopy(in: folder)
        let outcome = try await ChildProcess.run([analyze, "security", "--offline=yes", copy], timeLimit: 60)
        #expect(outcome.status == 0, "\(outcome)")
        let marker = "Overall exposure level for freezegate.service: "
        let line = try #require(outcome.stdout.split(separator: "\n").first { $0.contains(marker) }, "\(outcome)")
        let level = line.components(separatedBy: marker).last?.split(separator: " ").first.flatMap { Double($0) }
        // 0 is locked down, 10 is unprotected; systemd calls up to 4.9 "OK".
        #expect(try #require(level) <= 2.5, "\(line)")
    }

    @Test func theUnitHasTheSettingsOperatorsExpect() throws {
        let lines = Set(try String(contentsOfFile: Self.unit, encoding: .utf8).split(separator: "\n").map(String.init))
        for expected in [
            "Type=notify", "NotifyAccess=main", "User=freezegate", "Group=freezegate",
            "EnvironmentFile=/etc/freezegate/freezegate.env", "ExecReload=/bin/kill -HUP $MAINPID",
            "Restart=on-failure", "NoNewPrivileges=yes", "ProtectSystem=strict", "ProtectHome=yes", "PrivateTmp=yes",
            "CapabilityBoundingSet=CAP_NET_BIND_SERVICE", "LimitNOFILE=65536",
        ] {
            #expect(lines.contains(expected), "missing: \(expected)")
        }
        // systemd must wait longer than the drain before it kills.
        let start = try #require(lines.first { $0.hasPrefix("ExecStart=") })
        let drain = try #require(start.components(separatedBy: "--drain-timeout ").last.flatMap { Int($0) })
        let stop = try #require(lines.first { $0.hasPrefix("TimeoutStopSec=") })
        let stopSeconds = try #require(Int(stop.dropFirst("TimeoutStopSec=".count).dropLast()))
        #expect(stopSeconds > drain)
    }

    /// The example environment file, as systemd would pass it, is a valid configuration.
    @Test func theEnvironmentFileIsAValidConfiguration() async throws {
        var environment: [String: String] = [:]
        for line in try String(contentsOfFile: Self.environmentFile, encoding: .utf8).split(separator: "\n") {
            guard !line.hasPrefix("#"), let equals = line.firstIndex(of: "=") else { continue }
            environment[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        #expect(environment["DATABASE_URL"] != nil)
        let outcome = try await ServeProcess.run(["serve", "--print-config"], environment: environment)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        for key in [
            "DATABASE_URL", "FREEZEGATE_UPSTREAM", "FREEZEGATE_LISTEN", "FREEZEGATE_ADMIN_LISTEN",
            "FREEZEGATE_ACCESS_LOG",
        ] {
            #expect(outcome.stdout.contains("# environment \(key)"), "\(key) not taken: \(outcome.stdout)")
        }
        #expect(!outcome.stdout.contains(environment["PGPASSWORD"] ?? "change-me"))
    }
}
