import TenantModel
import TestSupport
import Testing

@testable import Gate

@Suite struct AccessPolicyTests {
    let policy = AccessPolicy(profile: .alfaCRM)
    let frozen = TenantLookup.condition(.frozen(from: utc("2027-07-01T00:00:00Z"), until: utc("2027-08-01T00:00:00Z")))

    func classification(_ target: String) -> TargetClassification {
        TargetClassification.classify(target: target, profile: .alfaCRM, withReadings: true)
    }

    /// The class × state matrix of docs/PROFILE.md.
    @Test(arguments: [
        ("/company/1/licensing", true),
        ("/company/1/users", false),
        ("/teacher/1", false),
        ("/customer/1", true),
        ("/v2api/1/x", true),
        ("/api/hook", true),
        ("/", true),
        ("/login", true),
        ("/assets/a.css", true),
        ("/something-else", false),
    ])
    func classByState(target: String, forwardedWhenRestricted: Bool) {
        let classification = self.classification(target)
        #expect(self.policy.decide(.condition(.active), classification) == .forward)
        #expect(self.policy.decide(.unknownTenant, classification) == .forward)
        #expect(self.policy.decide(.noSnapshot, classification) == .forward)
        let whenFrozen = self.policy.decide(self.frozen, classification)
        let whenExpired = self.policy.decide(.condition(.expired), classification)
        if forwardedWhenRestricted {
            #expect(whenFrozen == .forward)
            #expect(whenExpired == .forward)
        } else {
            guard case .block(.tenantFrozen, let until, _) = whenFrozen else {
                Issue.record("\(target) frozen: \(whenFrozen)")
                return
            }
            #expect(until == utc("2027-08-01T00:00:00Z"))
            guard case .block(.licenseExpired, nil, _) = whenExpired else {
                Issue.record("\(target) expired: \(whenExpired)")
                return
            }
        }
    }

    @Test func licensingLinkOnlyForAdmin() {
        #expect(
            self.policy.decide(self.frozen, self.classification("/company/5/users"))
                == .block(
                    reason: .tenantFrozen,
                    until: utc("2027-08-01T00:00:00Z"),
                    licensingURL: "/company/5/licensing"
                )
        )
        #expect(
            self.policy.decide(.condition(.expired), self.classification("/teacher/5"))
                == .block(reason: .licenseExpired, until: nil, licensingURL: nil)
        )
        #expect(
            self.policy.decide(.condition(.expired), self.classification("/nowhere"))
                == .block(reason: .licenseExpired, until: nil, licensingURL: nil)
        )
    }

    /// The one refusal without a blocked reading: a target with more readings than the gate
    /// tries, since an untried one could be blocked.
    @Test func aTargetWithMoreReadingsThanTriedIsRefused() {
        let target = "/customer/a%252f;b\\c%2fｘ\u{200B}%ff%00%3f%u0041/x%20"
        let classification = self.classification(target)
        #expect(!classification.readingsComplete)
        #expect(classification.firstBlockedReading == nil)
        #expect(self.policy.decide(self.frozen, classification) == .reject(status: 400))
        #expect(self.policy.decide(.condition(.active), classification) == .forward)
    }

    @Test func ambiguousTargets() {
        // Every reading is a client path: nothing a refusal could point to.
        #expect(self.policy.decide(self.frozen, self.classification("/customer/a%2fb")) == .forward)
        #expect(self.policy.decide(.condition(.active), self.classification("/customer/a%2fb")) == .forward)
        guard case .block = self.policy.decide(self.frozen, self.classification("/customer/..;/company/1")) else {
            Issue.record("..;/ not blocked")
            return
        }
        // The `;` followed by a combining mark (one character in Swift) is still a `;`.
        guard case .block = self.policy.decide(self.frozen, self.classification("/customer/..;\u{31C}x/company/1"))
        else {
            Issue.record("..;\u{31C}x/ not blocked")
            return
        }
        // `%+0` is a NUL to a decoder that takes a sign (sscanf's `%2x`): the path ends at `..`.
        for target in ["/company/1/licensing/..%+0/users", "/company/1/licensing/..%25+0/users"] {
            guard case .block = self.policy.decide(self.frozen, self.classification(target)) else {
                Issue.record("\(target) not blocked")
                return
            }
        }
    }

    @Test func whenStateUnknownBlock() {
        var profile = RouteProfile.alfaCRM
        profile.whenStateUnknown = .block
        let policy = AccessPolicy(profile: profile)
        let admin = TargetClassification.classify(target: "/company/1", profile: profile, withReadings: true)
        let client = TargetClassification.classify(target: "/customer/1", profile: profile, withReadings: true)
        #expect(
            policy.decide(.noSnapshot, admin)
                == .block(reason: .stateUnknown, until: nil, licensingURL: "/company/1/licensing")
        )
        #expect(policy.decide(.noSnapshot, client) == .forward)
        #expect(policy.decide(.unknownTenant, admin) == .forward)
    }

    @Test func unknownClassPolicy() {
        var profile = RouteProfile.alfaCRM
        profile.unknownAction = .forward
        let policy = AccessPolicy(profile: profile)
        let unknown = TargetClassification.classify(target: "/elsewhere", profile: profile, withReadings: true)
        #expect(policy.decide(self.frozen, unknown) == .forward)
        // Still: an ambiguous unknown target that reads as admin is blocked.
        let disguised = TargetClassification.classify(
            target: "/elsewhere/..%2fcompany/1",
            profile: profile,
            withReadings: true
        )
        guard case .block = policy.decide(self.frozen, disguised) else {
            Issue.record("disguised admin not blocked")
            return
        }
    }
}
