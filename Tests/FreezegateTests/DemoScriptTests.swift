import Foundation
import TestSupport
import Testing

/// `scripts/demo.sh --smoke` end to end with the binaries of this build: cluster, migrate, seed, demo CRM
/// (and, once `freezegate serve` exists, the gateway: frozen blocked, active forwarded), then a clean stop.
@Suite("scripts/demo.sh", .timeLimit(.minutes(3)))
struct DemoScriptTests {
    static let hasCurl = ["/usr/bin/curl", "/bin/curl", "/usr/local/bin/curl"].contains {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    @Test(.enabled(if: hasCurl, "curl is not installed; scripts/demo.sh --smoke needs it"))
    func smokeRunStartsEverythingAndLeavesNothingRunning() async throws {
        var template = Array("/tmp/freezegate-demo-test-XXXXXX".utf8CString)
        let created = try #require(mkdtemp(&template))
        let runDirectory = String(cString: created)
        defer { try? FileManager.default.removeItem(atPath: runDirectory) }
        chmod(runDirectory, 0o755)  // the postgres user (when root) must reach run/pg
        let crmPort = try FreePort.find()
        let outcome = try await ChildProcess.run(
            [BuiltProducts.repository + "/scripts/demo.sh", "--smoke"],
            environment: [
                "FREEZEGATE_DEMO_BIN": BuiltProducts.directory,
                "FREEZEGATE_DEMO_RUN_DIR": runDirectory,
                "FREEZEGATE_DEMO_PG_PORT": String(try FreePort.find()),
                "FREEZEGATE_DEMO_CRM_PORT": String(crmPort),
                "FREEZEGATE_DEMO_HTTP_PORT": String(try FreePort.find()),
                "FREEZEGATE_DEMO_ADMIN_PORT": String(try FreePort.find()),
                "DATABASE_URL": nil,
            ],
            timeLimit: 150
        )
        #expect(outcome.status == 0, "\(outcome)")
        #expect(outcome.stdout.contains("acme       active"))
        #expect(outcome.stdout.contains("oldschool  expired"))
        #expect(outcome.stdout.contains("school     frozen"))
        #expect(outcome.stdout.contains("curl -i -H 'Host: school.s20.online'"))
        #expect(outcome.stdout.contains("acme.s20.online /company/1/dashboard -> 200"))
        // Nothing left running: no postmaster, nothing on the demo CRM's port.
        #expect(!FileManager.default.fileExists(atPath: runDirectory + "/pg/data/postmaster.pid"))
        #expect(throws: (any Error).self) { try BlockingHTTPConnection(port: crmPort) }
    }
}
