import NIOCore
import Testing

@testable import Proxy

@Suite("Upstream passive health (pure transitions)")
struct UpstreamHealthStateTests {
    let policy = UpstreamHealthPolicy(maxFailures: 3, backoff: .seconds(10), maxBackoff: .seconds(40))

    @Test func takenOutAtTheThresholdOfConsecutiveFailures() {
        var state = UpstreamHealthState()
        let value1 = state.recordFailure(now: 1_000, policy: self.policy)
        #expect(value1 == nil)
        let value2 = state.recordFailure(now: 1_000, policy: self.policy)
        #expect(value2 == nil)
        #expect(state.admission(now: 1_000) == .available)
        let value3 = state.recordFailure(now: 1_000, policy: self.policy)
        #expect(value3 == .wentDown)
        #expect(state.admission(now: 1_000) == .unavailable)
        #expect(state.admission(now: 10_999) == .unavailable)
        #expect(state.admission(now: 11_000) == .probeDue)
    }

    @Test func aSuccessResetsTheCount() {
        var state = UpstreamHealthState()
        _ = state.recordFailure(now: 0, policy: self.policy)
        _ = state.recordFailure(now: 0, policy: self.policy)
        let value4 = state.recordSuccess()
        #expect(value4 == nil)
        let value5 = state.recordFailure(now: 0, policy: self.policy)
        #expect(value5 == nil)
        #expect(state.failures == 1)
    }

    @Test func oneProbePerBackoffPeriod() {
        var state = UpstreamHealthState()
        for _ in 0..<3 { _ = state.recordFailure(now: 0, policy: self.policy) }
        let value6 = state.claimProbe(now: 9_999, policy: self.policy)
        #expect(!value6)
        let value7 = state.claimProbe(now: 10_000, policy: self.policy)
        #expect(value7)
        // The try is taken: nobody else gets one until the next period.
        #expect(state.admission(now: 10_001) == .unavailable)
        let value8 = state.claimProbe(now: 10_001, policy: self.policy)
        #expect(!value8)
        // A try whose outcome never came does not keep the server out for good.
        let value9 = state.claimProbe(now: 20_000, policy: self.policy)
        #expect(value9)
    }

    @Test func aFailedProbeDoublesTheBackoffUpToTheCeiling() {
        var state = UpstreamHealthState()
        for _ in 0..<3 { _ = state.recordFailure(now: 0, policy: self.policy) }
        #expect(state.retryAt == 10_000)
        let claimed1 = state.claimProbe(now: 10_000, policy: self.policy)
        #expect(claimed1)
        let value10 = state.recordFailure(now: 10_000, policy: self.policy)
        #expect(value10 == nil)
        #expect(state.retryAt == 30_000)
        let claimed2 = state.claimProbe(now: 30_000, policy: self.policy)
        #expect(claimed2)
        _ = state.recordFailure(now: 30_000, policy: self.policy)
        #expect(state.retryAt == 70_000)
        let claimed3 = state.claimProbe(now: 70_000, policy: self.policy)
        #expect(claimed3)
        _ = state.recordFailure(now: 70_000, policy: self.policy)
        #expect(state.retryAt == 110_000, "capped at 40 s")
    }

    /// Requests already under way when the server went out fail after it: under load dozens of
    /// them. They are not tries of the server while out, so the back-off stays where it is and the
    /// server is tried again one back-off after it went out, not at the ceiling.
    @Test func failuresOfRequestsAlreadyUnderWayDoNotLengthenTheBackoff() {
        var state = UpstreamHealthState()
        for _ in 0..<3 { _ = state.recordFailure(now: 0, policy: self.policy) }
        for late in 1...40 { _ = state.recordFailure(now: UInt64(late * 10), policy: self.policy) }
        #expect(state.backoffLevel == 0)
        #expect(state.retryAt == 10_000)
        #expect(state.admission(now: 10_000) == .probeDue)
        // The probe fails, and so does a late request after it: one doubling, not two.
        let claimed4 = state.claimProbe(now: 10_000, policy: self.policy)
        #expect(claimed4)
        _ = state.recordFailure(now: 10_050, policy: self.policy)
        _ = state.recordFailure(now: 10_060, policy: self.policy)
        #expect(state.backoffLevel == 1)
        #expect(state.retryAt == 30_050)
    }

    @Test func aSuccessfulProbeBringsItBackOnce() {
        var state = UpstreamHealthState()
        for _ in 0..<5 { _ = state.recordFailure(now: 0, policy: self.policy) }
        let value11 = state.recordSuccess()
        #expect(value11 == .cameBack)
        #expect(state == .healthy)
        let value12 = state.recordSuccess()
        #expect(value12 == nil)
    }

    @Test func packsIntoOneWord() {
        var state = UpstreamHealthState()
        for _ in 0..<4 { _ = state.recordFailure(now: 123_456_789_012, policy: self.policy) }
        #expect(UpstreamHealthState(bits: state.bits) == state)
        let claimed5 = state.claimProbe(now: 223_456_789_012, policy: self.policy)
        #expect(claimed5)
        #expect(UpstreamHealthState(bits: state.bits) == state)
        #expect(UpstreamHealthState(bits: state.bits).probeOutstanding)
        #expect(UpstreamHealthState(bits: UpstreamHealthState.healthy.bits) == .healthy)
        _ = state.markDown(now: 223_456_789_012, policy: self.policy)
        #expect(UpstreamHealthState(bits: state.bits).downByCheck)
        #expect(UpstreamHealthState(bits: state.bits) == state)
    }

    /// A group's only server: the failures of requests never keep it out, an active health check
    /// does — also when it takes out a server the failures had already taken out.
    @Test func aLoneServerIsKeptOutOnlyByAHealthCheck() {
        var failing = UpstreamHealthState()
        for _ in 0..<3 { _ = failing.recordFailure(now: 0, policy: self.policy) }
        #expect(failing.admission(now: 0) == .unavailable)
        #expect(failing.admission(now: 0, lone: true) == .available)
        var checked = failing
        #expect(checked.markDown(now: 0, policy: self.policy) == nil)
        #expect(checked.admission(now: 0, lone: true) == .unavailable)
        var markedByCheck = UpstreamHealthState()
        #expect(markedByCheck.markDown(now: 0, policy: self.policy) == .wentDown)
        #expect(markedByCheck.admission(now: 0, lone: true) == .unavailable)
        #expect(markedByCheck.recordSuccess() == .cameBack)
        #expect(!markedByCheck.downByCheck)
    }

    @Test func theSharedCellReportsEachTransitionToExactlyOneCaller() async {
        let cell = UpstreamHealthCell(policy: UpstreamHealthPolicy(maxFailures: 1, backoff: .seconds(60)))
        // Many threads fail the server at once: exactly one of them sees it go down.
        let wentDown = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<64 {
                group.addTask { cell.recordFailure(now: 5) == .wentDown ? 1 : 0 }
            }
            return await group.reduce(0, +)
        }
        #expect(wentDown == 1)
        let cameBack = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<64 {
                group.addTask { cell.recordSuccess() == .cameBack ? 1 : 0 }
            }
            return await group.reduce(0, +)
        }
        #expect(cameBack == 1)
    }
}
