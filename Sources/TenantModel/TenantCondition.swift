import Foundation

/// What a tenant is at one instant: the gateway's view of `freezegate.tenant_status_at(at).state`.
public enum TenantCondition: Sendable, Hashable {
    /// The subscription runs and no freeze does: everything is forwarded.
    case active
    /// A freeze window contains the instant; `until` is when it ends (the blocked page shows it).
    case frozen(from: Date, until: Date)
    /// Neither paid nor frozen: the licence has expired.
    case expired
}
