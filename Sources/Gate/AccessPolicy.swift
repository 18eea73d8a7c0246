import Foundation

/// The access policy (docs/PROFILE.md): a pure function of what is known about the tenant at the
/// request's instant and the request's class(es).
public struct AccessPolicy: Sendable {
    public let profile: RouteProfile

    public init(profile: RouteProfile) {
        self.profile = profile
    }

    /// Active and unknown tenants are forwarded; frozen and expired ones get their class's
    /// action; an ambiguous target of a frozen or expired tenant is blocked when any reading is a
    /// blocked class, forwarded when every reading was classified and none is, and refused (400)
    /// only when it has more readings than the gate tries; with no snapshot,
    /// `when_state_unknown` decides.
    public func decide(_ lookup: TenantLookup, _ classification: TargetClassification) -> AccessDecision {
        switch lookup {
        case .unknownTenant, .condition(.active):
            return .forward
        case .noSnapshot:
            guard self.profile.whenStateUnknown == .block else { return .forward }
            return self.restricted(classification, reason: .stateUnknown, until: nil)
        case .condition(.frozen(_, let until)):
            return self.restricted(classification, reason: .tenantFrozen, until: until)
        case .condition(.expired):
            return self.restricted(classification, reason: .licenseExpired, until: nil)
        }
    }

    private func restricted(_ classification: TargetClassification, reason: BlockReason, until: Date?) -> AccessDecision
    {
        let blocking: (requestClass: RequestClass, segments: [String])
        if classification.isAmbiguous {
            // Every refusal has a reason that can be shown: a reading of a blocked class, or a
            // target with more readings than the gate reads (which it cannot vouch for).
            guard let blocked = classification.firstBlockedReading else {
                return classification.readingsComplete ? .forward : .reject(status: 400)
            }
            blocking = blocked
        } else {
            guard classification.requestClass.action == .block else { return .forward }
            blocking = (classification.requestClass, classification.segments)
        }
        let link = blocking.requestClass.licensingLink ? self.profile.licensingURL(for: blocking.segments) : nil
        return .block(reason: reason, until: until, licensingURL: link)
    }
}
