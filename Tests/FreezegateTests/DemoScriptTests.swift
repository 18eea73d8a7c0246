import Foundation
import TestSupport
import Testing

/// `scripts/demo.sh --smoke` end to end with the binaries of this build: cluster, migrate, seed, demo CRM
/// (and, once `freezegate serve` exists, the gateway: frozen blocked, active forwarded), then a clean stop.
@Suite("scripts/demo.sh", .serialized, .timeLimit(.minutes(3)))
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
        // The custom domain the README names is the one the demo registers and prints.
        #expect(outcome.stdout.contains("crm.acme-school.localhost /company/1/dashboard -> 200"))
        let readme = try String(contentsOfFile: BuiltProducts.repository + "/README.md", encoding: .utf8)
        #expect(readme.contains("crm.acme-school.localhost"))
        #expect(!readme.contains("crm.acme-school.com"))
        // A new user's first run reads clean: no server notices, each migration named once.
        let output = outcome.stdout + outcome.stderr
        #expect(!output.contains("NOTICE"), "\(outcome)")
        #expect(output.components(separatedBy: "0001_schema.sql").count - 1 == 1, "\(outcome)")
        // Nothing left running: no postmaster, nothing on the demo CRM's port.
        #expect(!FileManager.default.fileExists(atPath: runDirectory + "/pg/data/postmaster.pid"))
        #expect(throws: (any Error).self) { try BlockingHTTPConnection(port: crmPort) }
    }

    /// Ctrl-C in a terminal also ends a `| tee` reader, so the demo's "stopping" message goes to a
    /// closed pipe; it must still stop everything (it used to die of SIGPIPE, PostgreSQL left running).
    @Test(.enabled(if: hasCurl, "curl is not installed"))
    func aClosedOutputPipeStillStopsEverything() async throws {
        var template = Array("/tmp/freezegate-demo-test-XXXXXX".utf8CString)
        let created = try #require(mkdtemp(&template))
        let runDirectory = String(cString: created)
        defer { try? FileManager.default.removeItem(atPath: runDirectory) }
        chmod(runDirectory, 0o755)
        let crmPort = try FreePort.find()
        let httpPort = try FreePort.find()
        // The demo writes into a reader that quits once the demo is up; then the demo is told to stop.
        let script = """
            out="$1"
            "$0" > >(sed '/demo is running/q' > "$out") 2>&1 &
            pid=$!
            for _ in $(seq 1 600); do grep -q 'demo is running' "$out" 2>/dev/null && break; sleep 0.2; done
            sleep 1
            kill -TERM "$pid"
            wait "$pid"
            echo "demo exited $?"
            cat "$out"
            """
        let outcome = try await ChildProcess.run(
            ["bash", "-c", script, BuiltProducts.repository + "/scripts/demo.sh", runDirectory + "/out.txt"],
            environment: [
                "FREEZEGATE_DEMO_BIN": BuiltProducts.directory,
                "FREEZEGATE_DEMO_RUN_DIR": runDirectory,
                "FREEZEGATE_DEMO_PG_PORT": String(try FreePort.find()),
                "FREEZEGATE_DEMO_CRM_PORT": String(crmPort),
                "FREEZEGATE_DEMO_HTTP_PORT": String(httpPort),
                "FREEZEGATE_DEMO_ADMIN_PORT": String(try FreePort.find()),
                "DATABASE_URL": nil,
            ],
            timeLimit: 150
        )
        #expect(!outcome.timedOut, "\(outcome)")
        #expect(outcome.stdout.contains("demo is running"), "\(outcome)")
        #expect(outcome.stdout.contains("demo exited 143"), "\(outcome)")
        #expect(!FileManager.default.fileExists(atPath: runDirectory + "/pg/data/postmaster.pid"))
        #expect(throws: (any Error).self) { try BlockingHTTPConnection(port: crmPort) }
        #expect(throws: (any Error).self) { try BlockingHTTPConnection(port: httpPort) }
    }

    /// Ctrl-C (SIGINT to the script) says that the demo is stopping, then stops everything.
    @Test(.enabled(if: hasCurl, "curl is not installed"))
    func ctrlCSaysItIsStopping() async throws {
        var template = Array("/tmp/freezegate-demo-test-XXXXXX".utf8CString)
        let created = try #require(mkdtemp(&template))
        let runDirectory = String(cString: created)
        defer { try? FileManager.default.removeItem(atPath: runDirectory) }
        chmod(runDirectory, 0o755)
        let crmPort = try FreePort.find()
        let demo = try BackgroundProcess.start(
            [BuiltProducts.repository + "/scripts/demo.sh"],
            environment: [
                "FREEZEGATE_DEMO_BIN": BuiltProducts.directory,
                "FREEZEGATE_DEMO_RUN_DIR": runDirectory,
                "FREEZEGATE_DEMO_PG_PORT": String(try FreePort.find()),
                "FREEZEGATE_DEMO_CRM_PORT": String(crmPort),
                "FREEZEGATE_DEMO_HTTP_PORT": String(try FreePort.find()),
                "FREEZEGATE_DEMO_ADMIN_PORT": String(try FreePort.find()),
                "DATABASE_URL": nil,
            ]
        )
        defer { if demo.poll() == nil { _ = demo.terminate() } }
        let running = try await demo.waitForOutput("demo is running", timeLimit: 120)
        #expect(running, "\(demo.stdout) \(demo.stderr)")
        demo.send(SIGINT)
        var status: Int32?
        for _ in 0..<600 where status == nil {
            status = demo.poll()
            if status == nil { try await Task.sleep(for: .milliseconds(100)) }
        }
        if status == nil { _ = demo.terminate() }
        #expect(status == 130, "\(demo.stderr)")
        #expect(demo.stderr.contains("==> stopping the gateway, the demo CRM and PostgreSQL"), "\(demo.stderr)")
        #expect(demo.stderr.contains("stopped; nothing is left running"), "\(demo.stderr)")
        #expect(!FileManager.default.fileExists(atPath: runDirectory + "/pg/data/postmaster.pid"))
        #expect(throws: (any Error).self) { try BlockingHTTPConnection(port: crmPort) }
    }
}
