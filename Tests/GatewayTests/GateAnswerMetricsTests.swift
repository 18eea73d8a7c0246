import LoopMetrics
import Testing

@testable import Gateway

/// The Gate's answers counted by reason in one loop's cells; forwarded requests are not answers.
@Suite struct GateAnswerMetricsTests {
    @Test func blocksAndRejectionsAreCountedByReasonAndForwardsNotAtAll() {
        let registry = LoopMetricsRegistry()
        let answers = GateAnswerMetrics(registry: registry)
        answers.record(decision: "block", reason: "tenant_frozen")
        answers.record(decision: "block", reason: "license_expired")
        answers.record(decision: "block", reason: "tenant_frozen")
        answers.record(decision: "reject", reason: "invalid_host")
        answers.record(decision: "reject", reason: nil)
        answers.record(decision: "forward", reason: nil)
        var counts: [String: [String: Int]] = [:]
        for reading in registry.read() {
            if case .counter(let values) = reading.values { counts[reading.family.name] = values }
        }
        #expect(
            counts == [
                "freezegate_blocked_total": [#"reason="tenant_frozen""#: 2, #"reason="license_expired""#: 1],
                "freezegate_rejected_total": [#"reason="invalid_host""#: 1, #"reason="none""#: 1],
            ]
        )
    }
}
