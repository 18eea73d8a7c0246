import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Testing

@testable import TestSupport

/// `freezegate_ready` says what `/readyz` says, at the moment of the scrape (it once lagged by up to
/// the tenant-gauge refresh interval, 5 s).
@Suite("Readiness gauge")
struct ReadinessGaugeProcessTests {
    @Test func theGaugeAgreesWithReadyzAsSoonAsItTurns() async throws {
        let databaseURL = try await TestPostgres.shared.makeMigratedDatabase(prefix: "ready")
        // The gateway connects as a login role with only the gateway's group role.
        let gatewayURL = try await TestPostgres.shared.gatewayURL(for: databaseURL)
        let (port, adminPort) = (try FreePort.find(), try FreePort.find())
        let process = try ServeProcess.start(
            [
                "serve", "--upstream", "http://127.0.0.1:9", "--listen", "127.0.0.1:\(port)",
                "--admin-listen", "127.0.0.1:\(adminPort)", "--threads", "1", "--drain-timeout", "1",
                "--access-log", "off",
            ],
            environment: ["DATABASE_URL": gatewayURL]
        )
        do {
            try await process.waitUntil("/readyz answers 200") {
                let status = try? await BlockingWork.run {
                    try CommandRunner.run([
                        "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:\(adminPort)/readyz",
                    ])
                }
                return status == "200"
            }
            let metrics = try await BlockingWork.run {
                try CommandRunner.run(["curl", "-s", "http://127.0.0.1:\(adminPort)/metrics"])
            }
            let ready = metrics.split(separator: "\n").first { $0.hasPrefix("freezegate_ready ") }
                .flatMap { Double($0.dropFirst("freezegate_ready ".count)) }
            #expect(ready == 1, "\(metrics)")
        } catch {
            process.send(SIGKILL)
            _ = try? await process.waitForExit()
            throw error
        }
        process.send(SIGTERM)
        let outcome = try await process.waitForExit()
        #expect(outcome.status == 0, "\(outcome.stderr)")
        process.removeOutputFiles()
    }
}
