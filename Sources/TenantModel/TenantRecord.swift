import Foundation

/// Everything the gateway knows about one tenant: its paid period, its domains and its freezes.
///
/// The record holds periods rather than a state so that a freeze scheduled for 09:00 starts at
/// 09:00 without any database event: the state is computed at the request's instant.
public struct TenantRecord: Sendable, Hashable {
    /// The tenant key, a DNS label (`acme` of `acme.s20.online`).
    public let key: String
    /// The start of the paid period, if the database records one; `nil` means "paid since always".
    public let paidFrom: Date?
    /// The first instant that is no longer paid.
    public let paidUntil: Date
    /// Custom domains registered for the tenant (lower-cased, without a trailing dot).
    public let domains: [String]
    /// The tenant's freeze windows, sorted by start.
    public let freezes: [FreezeWindow]
    /// The upstream group the tenant's requests go to (set in SQL); nil: its base domain's.
    public let upstreamGroup: String?
    /// The IANA zone the tenant's blocked page shows dates in (set in SQL); nil: the profile's.
    public let timeZone: String?
    /// When the paid and frozen time runs out unless paid again: the later of `paidUntil` and the
    /// end of the last freeze (an expired tenant's page says "since" it); nil before migration 0009.
    public let expiresAt: Date?
    /// `tenant_status_at`'s `delete_after` for the tenant once expired: when the operator's policy
    /// may remove the account (FreezeGate itself deletes nothing); nil before migration 0009.
    public let deleteAfter: Date?

    public init(
        key: String,
        paidFrom: Date? = nil,
        paidUntil: Date,
        domains: [String] = [],
        freezes: [FreezeWindow] = [],
        upstreamGroup: String? = nil,
        timeZone: String? = nil,
        expiresAt: Date? = nil,
        deleteAfter: Date? = nil
    ) {
        self.key = key
        self.paidFrom = paidFrom
        self.paidUntil = paidUntil
        self.domains = domains.map(DomainName.normalized)
        self.freezes = freezes.sorted { ($0.start, $0.id) < ($1.start, $1.id) }
        self.upstreamGroup = upstreamGroup
        self.timeZone = timeZone
        self.expiresAt = expiresAt
        self.deleteAfter = deleteAfter
    }

    /// The tenant's condition at `instant`, with exactly the database's definition: frozen when a
    /// window has `start <= t < end`; otherwise active when `(paidFrom == nil || paidFrom <= t) && t < paidUntil`;
    /// otherwise expired.
    public func condition(at instant: Date) -> TenantCondition {
        for window in self.freezes {
            if window.start > instant { break }
            if window.contains(instant) {
                return .frozen(from: window.start, until: window.end)
            }
        }
        let paidStarted = self.paidFrom.map { $0 <= instant } ?? true
        if paidStarted && instant < self.paidUntil {
            return .active
        }
        return .expired
    }

    /// The first instant after `instant` at which `condition(at:)` may differ from its value at
    /// `instant`: the earliest freeze start or end, start or end of the paid period, later than
    /// `instant` (the condition compares the instant with those and nothing else, so it holds until
    /// then). Nil: it never changes.
    public func nextConditionChange(after instant: Date) -> Date? {
        var next: Date?
        func consider(_ boundary: Date?) {
            guard let boundary, boundary > instant else { return }
            if let earliest = next, earliest <= boundary { return }
            next = boundary
        }
        for window in self.freezes {
            consider(window.start)
            consider(window.end)
        }
        consider(self.paidFrom)
        consider(self.paidUntil)
        return next
    }
}
