import NIOHTTP1
import TestSupport
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
        switch attack.expected {
        case .block:
            #expect(!decision.isForward, "\(attack)")
            #expect(decision.responseStatus == .forbidden, "\(attack)")
            #expect(decision.summary.decision == "block", "\(attack)")
            #expect(decision.summary.reason == "tenant_frozen", "\(attack)")
        case .forward:
            #expect(decision.forwardedHead?.uri == attack.target, "\(attack)")
            // Forwarded only because every reading was classified and none is blocked.
            let classification = TargetClassification.classify(
                target: attack.target,
                profile: .alfaCRM,
                withReadings: true,
                allReadings: true
            )
            #expect(classification.readingsComplete, "\(attack)")
            #expect(!classification.anyReadingBlocked, "\(attack)")
        }
    }

    @Test(arguments: attackCorpus)
    func expiredTenantNeverForwards(_ attack: AttackCase) {
        let decision = defaultGate.decide(
            head: requestHead(.POST, attack.target, host: "gamma.s20.online"),
            snapshot: fixtureSnapshot(),
            now: fixtureNow
        )
        switch attack.expected {
        case .block:
            #expect(!decision.isForward, "\(attack)")
            #expect(decision.summary.reason == "license_expired", "\(attack)")
        case .forward:
            #expect(decision.forwardedHead?.uri == attack.target, "\(attack)")
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

    @Test func headerOverridesNeverReachTheUpstream() {
        for (name, value) in headerAttackCorpus {
            let head = requestHead(
                .GET,
                "/",
                headers: [(name, value), ("Upgrade", "h2c"), ("Connection", "Upgrade, HTTP2-Settings")]
            )
            guard
                let forwarded = defaultGate.decide(head: head, snapshot: fixtureSnapshot(), now: fixtureNow)
                    .forwardedHead
            else {
                Issue.record("\(name): / not forwarded")
                continue
            }
            #expect(forwarded.headers[name].isEmpty, "\(name) reached the upstream")
            #expect(forwarded.headers["Upgrade"].isEmpty, "h2c upgrade reached the upstream")
            #expect(forwarded.uri == "/")
        }
        #expect(headerAttackCorpus.count >= 25)
    }

    @Test func webSocketUpgradeFollowsTheClassOfItsPath() {
        let upgrade = [
            ("Upgrade", "websocket"), ("Connection", "Upgrade"), ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="),
        ]
        let admin = defaultGate.decide(
            head: requestHead(.GET, "/company/1/ws", headers: upgrade),
            snapshot: fixtureSnapshot(),
            now: fixtureNow
        )
        #expect(admin.summary.decision == "block")
        let disguised = defaultGate.decide(
            head: requestHead(.GET, "/customer/..%2fcompany/ws", headers: upgrade),
            snapshot: fixtureSnapshot(),
            now: fixtureNow
        )
        #expect(disguised.summary.decision == "block")
        let client = defaultGate.decide(
            head: requestHead(.GET, "/customer/ws", headers: upgrade),
            snapshot: fixtureSnapshot(),
            now: fixtureNow
        )
        #expect(client.forwardedHead?.headers["Upgrade"] == ["websocket"])
    }
}
