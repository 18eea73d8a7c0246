import NIOHTTP1
import Testing

@testable import Gate

/// Every corpus case against a frozen and an expired tenant, the exact answer each gets, and that
/// an active tenant's identical request is forwarded byte for byte.
@Suite struct AttackCorpusTests {
    @Test(arguments: attackCorpus)
    func frozenTenantNeverForwards(_ attack: AttackCase) {
        let decision = defaultGate.decide(
            head: requestHead(.GET, attack.target),
            snapshot: fixtureSnapshot(),
            now: fixtureNow
        )
        let forwarded = decision.isForward
        #expect(!forwarded, "\(attack)")
        switch attack.expected {
        case .block:
            #expect(decision.responseStatus == .forbidden, "\(attack)")
            #expect(decision.summary.decision == "block", "\(attack)")
            #expect(decision.summary.reason == "tenant_frozen", "\(attack)")
        case .reject:
            #expect(decision.responseStatus == .badRequest, "\(attack)")
            #expect(decision.summary.decision == "reject", "\(attack)")
            let closes = decision.closesConnection
            #expect(closes, "\(attack)")
        }
    }

    @Test(arguments: attackCorpus)
    func expiredTenantNeverForwards(_ attack: AttackCase) {
        let decision = defaultGate.decide(
            head: requestHead(.POST, attack.target, host: "gamma.s20.online"),
            snapshot: fixtureSnapshot(),
            now: fixtureNow
        )
        let forwarded = decision.isForward
        #expect(!forwarded, "\(attack)")
        if attack.expected == .block {
            #expect(decision.summary.reason == "license_expired", "\(attack)")
        }
    }

    @Test(arguments: attackCorpus)
    func activeTenantGetsTheTargetUntouched(_ attack: AttackCase) {
        let head = requestHead(.GET, attack.target, host: "beta.s20.online")
        let decision = defaultGate.decide(head: head, snapshot: fixtureSnapshot(), now: fixtureNow)
        #expect(decision.forwardedHead?.uri == attack.target, "\(attack)")
    }

    @Test func corpusIsLarge() {
        #expect(attackCorpus.count >= 100)
        #expect(Set(attackCorpus.map(\.target)).count == attackCorpus.count, "duplicate corpus targets")
    }
}
