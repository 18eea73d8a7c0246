import Foundation
import NIOHTTP1
import TestSupport
import Testing

@testable import Gate

/// Throughput of `Gate.decide`, run only by bench/gate-decide.sh (FREEZEGATE_BENCH=1): speed is
/// measured and printed, never asserted (a busy machine must not fail the build). The decisions
/// themselves are checked, so a benchmark that measured the wrong thing fails.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["FREEZEGATE_BENCH"] != nil))
struct GateBenchmarkTests {
    func measure(_ label: String, iterations: Int, _ heads: [HTTPRequestHead], expect: (GateDecision) -> Bool) {
        let snapshot = fixtureSnapshot()
        var ok = true
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            for index in 0..<iterations {
                let decision = defaultGate.decide(head: heads[index % heads.count], snapshot: snapshot, now: fixtureNow)
                if !expect(decision) { ok = false }
            }
        }
        #expect(ok, "\(label): unexpected decision")
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let perRequest = seconds / Double(iterations) * 1e6
        print(
            "BENCH \(label): \(iterations) decisions in \(String(format: "%.3f", seconds)) s = \(String(format: "%.2f", perRequest)) µs/decision"
        )
    }

    @Test func decideThroughput() {
        self.measure(
            "active tenant, admin path",
            iterations: 200_000,
            [requestHead(.GET, "/company/1/users/index?page=2", host: "beta.s20.online")]
        ) {
            $0.isForward
        }
        self.measure(
            "frozen tenant, client path",
            iterations: 200_000,
            [requestHead(.GET, "/customer/1/lessons", host: "acme.s20.online")]
        ) {
            $0.isForward
        }
        self.measure(
            "frozen tenant, admin path (HTML page)",
            iterations: 50_000,
            [requestHead(.GET, "/company/1/users")]
        ) {
            $0.summary.decision == "block"
        }
        self.measure(
            "frozen tenant, admin path (JSON)",
            iterations: 100_000,
            [requestHead(.GET, "/company/1/users", headers: [("Accept", "application/json")])]
        ) {
            $0.summary.decision == "block"
        }
        let corpus = attackCorpus.map { requestHead(.GET, $0.target, headers: [("Accept", "application/json")]) }
        self.measure("frozen tenant, attack corpus (\(corpus.count) targets)", iterations: 20_000, corpus) {
            !$0.isForward
        }
        let nasty = "/" + String(repeating: "%252e%2f..;\\ｃ\u{200B}%00%c0%ae#/", count: 20)
        self.measure(
            "frozen tenant, worst-case target (\(nasty.utf8.count) bytes)",
            iterations: 100,
            [requestHead(.GET, nasty)]
        ) {
            !$0.isForward
        }
        let refused = "/customer/" + String(repeating: "%252f;x\\y\u{200B}%00%c0%ae.", count: 25)
        self.measure(
            "frozen tenant, worst-case 400 target (\(refused.utf8.count) bytes)",
            iterations: 100,
            [requestHead(.GET, refused)]
        ) {
            $0.summary.decision == "reject"
        }
    }
}
