import Foundation

/// The access policy (CONTRACT §4): a pure function of what is known about the tenant at the
/// request's instant and the request's class(es).
public struct AccessPolicy: Sendable {
    public let profile: RouteProfile

    public init(profile: RouteProfile) {
        self.profile = profile
    }

    /// Active and unknown tenants are forwarded; frozen and expired ones get their class's
    /// action; an ambiguous target of a frozen or expired tenant is blocked when any reading is a
    /// blocked class and refused (400) otherwise; with no snapshot, `when_state_unknown` decides.
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

    private func restricted(_ classification: TargetClassification, reason: BlockReason, until: Date?) -> AccessDecision {
        let blocking: RequestClass?
        if classification.isAmbiguous {
            blocking = classification.readingClasses.first { $0.action == .block }
            if blocking == nil { return .reject(status: 400) }
        } else {
            blocking = classification.requestClass.action == .block ? classification.requestClass : nil
        }
        guard let blocking else { return .forward }
        let link = blocking.licensingLink ? self.profile.licensingURL(for: classification.segments) : nil
        return .block(reason: reason, until: until, licensingURL: link)
    }
}
