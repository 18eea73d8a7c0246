import Logging
import NIOCore
import NIOHTTP1
import Synchronization
import TestSupport
import Testing

@testable import Proxy

@Suite("Active upstream health checks")
struct ActiveHealthCheckTests {
    @Test func thresholdsOfResultsInARow() {
        let policy = UpstreamHealthCheck(healthyThreshold: 2, unhealthyThreshold: 3)
        var counter = ActiveHealthCounter()
        let results = [false, false, true, false, false, false, false, true, true, true].map {
            counter.record(passed: $0, policy: policy)
        }
        #expect(results == [nil, nil, nil, nil, nil, .unhealthy, .unhealthy, nil, .healthy, .healthy])
    }

    @Test func markDownIsOneTransition() {
        let policy = UpstreamHealthPolicy(maxFailures: 3, backoff: .seconds(1))
        var state = UpstreamHealthState()
        #expect(state.markDown(now: 5, policy: policy) == .wentDown)
        #expect(state.markDown(now: 6, policy: policy) == nil)
        #expect(state.recordSuccess() == .cameBack)
    }

    @Test func aFailingCheckTakesAServerOutAndAPassingOneBringsItBack() async throws {
        let sick = Mutex(false)
        let store = RecordingLogHandler.Store()
        let logger = Logger(label: "health-check") { _ in RecordingLogHandler(store: store) }
        func count(_ message: String) -> Int { store.entries.withLock { $0.filter { $0.1 == message }.count } }
        try await withFleet(
            count: 2,
            threads: 1,
            // A passive back-off this short would retry the server with a request at once:
            // with active checks, only a check brings it back.
            health: UpstreamHealthPolicy(maxFailures: 2, backoff: .milliseconds(20)),
            logger: logger,
            healthCheck: UpstreamHealthCheck(
                path: "/health",
                interval: .milliseconds(50),
                timeout: .seconds(1),
                healthyThreshold: 2,
                unhealthyThreshold: 2
            ),
            behavior: { index, head in
                if head.uri == "/health" {
                    return index == 1 && sick.withLock { $0 }
                        ? .respond(.serviceUnavailable, HTTPHeaders(), "sick") : .respond(.ok, HTTPHeaders(), "ok")
                }
                return .respond(.ok, HTTPHeaders(), "server \(index)")
            },
            { fleet in
                func served(by index: Int) -> Int {
                    fleet.servers[index].requests.filter { $0.head.uri != "/health" }.count
                }
                // Both are checked.
                #expect(await eventually { fleet.servers.allSatisfy { $0.requests.count >= 2 } })
                #expect(fleet.servers[1].requests.first?.head.headers["user-agent"] == ["freezegate-health-check"])
                sick.withLock { $0 = true }
                #expect(await eventually { count("upstream server down") == 1 })
                try await Task.sleep(for: .milliseconds(100))
                #expect(try await fleet.getSequentially(10) == Array(repeating: 200, count: 10))
                #expect(served(by: 1) == 0)
                #expect(served(by: 0) == 10)

                sick.withLock { $0 = false }
                #expect(await eventually { count("upstream server back up") == 1 })
                #expect(try await fleet.getSequentially(10) == Array(repeating: 200, count: 10))
                #expect(served(by: 1) == 5)
                #expect(count("upstream server down") == 1)
            }
        )
    }
}
