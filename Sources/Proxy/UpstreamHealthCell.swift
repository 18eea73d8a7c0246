import NIOCore
import Synchronization

/// One server's ``UpstreamHealthState``, shared by every event loop through one atomic word:
/// reading it is a single load, and a change is a compare-and-swap of the pure transition, so
/// exactly one loop sees each transition (and logs it). No lock on the request path.
final class UpstreamHealthCell: Sendable {
    let policy: UpstreamHealthPolicy
    private let word = Atomic<UInt64>(UpstreamHealthState.healthy.bits)

    init(policy: UpstreamHealthPolicy) {
        self.policy = policy
    }

    /// Milliseconds of the monotonic clock the back-off is measured in.
    static func now() -> UInt64 {
        NIODeadline.now().uptimeNanoseconds / 1_000_000
    }

    var state: UpstreamHealthState {
        UpstreamHealthState(bits: self.word.load(ordering: .acquiring))
    }

    /// `lone`: the server is its group's only one (``UpstreamHealthState/admission(now:lone:)``).
    func admission(now: UInt64, lone: Bool = false) -> UpstreamHealthState.Admission {
        let admission = self.state.admission(now: now, lone: lone)
        if admission == .probeDue && !self.policy.probesWithRequests { return .unavailable }
        return admission
    }

    func claimProbe(now: UInt64) -> Bool {
        guard self.policy.probesWithRequests else { return false }
        return self.update { $0.claimProbe(now: now, policy: self.policy) }
    }

    func markDown(now: UInt64) -> UpstreamHealthState.Transition? {
        self.update { $0.markDown(now: now, policy: self.policy) }
    }

    func recordFailure(now: UInt64) -> UpstreamHealthState.Transition? {
        self.update { $0.recordFailure(now: now, policy: self.policy) }
    }

    func recordSuccess() -> UpstreamHealthState.Transition? {
        // The common case, a healthy server answering, costs one load and no write.
        if self.word.load(ordering: .relaxed) == UpstreamHealthState.healthy.bits { return nil }
        return self.update { $0.recordSuccess() }
    }

    private func update<Result>(_ transition: (inout UpstreamHealthState) -> Result) -> Result {
        var current = self.word.load(ordering: .acquiring)
        while true {
            var state = UpstreamHealthState(bits: current)
            let result = transition(&state)
            let next = state.bits
            if next == current { return result }
            let (exchanged, original) = self.word.compareExchange(
                expected: current,
                desired: next,
                ordering: .acquiringAndReleasing
            )
            if exchanged { return result }
            current = original
        }
    }
}
