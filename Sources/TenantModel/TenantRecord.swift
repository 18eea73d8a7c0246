import Foundation

/// Everything the gateway knows about one tenant: its paid period, its domains and its freezes.
///
/// The record holds periods rather than a state so that a freeze scheduled for 09:00 starts at
/// 09:00 without any database event: the state is computed at the request's instant.
public struct TenantRecord: Sendable, Hashable {
    /// The fields behind one reference: a record is copied out of the snapshot on every lookup and a
    /// million times by a resync's comparison, and a copy of the fields themselves retained each of
    /// their arrays and strings (a tenth of a resync's CPU); a snapshot's table also holds a pointer
    /// per slot instead of every field.
    private let fields: TenantRecordFields

    /// The tenant key, a DNS label (`acme` of `acme.s20.online`).
    public var key: String { self.fields.key }
    /// The start of the paid period, if the database records one; `nil` means "paid since always".
    public var paidFrom: Date? { self.fields.paidFrom }
    /// The first instant that is no longer paid.
    public var paidUntil: Date { self.fields.paidUntil }
    /// Custom domains registered for the tenant (lower-cased, without a trailing dot).
    public var domains: [String] { self.fields.domains }
    /// The tenant's freeze windows, sorted by start.
    public var freezes: [FreezeWindow] { self.fields.freezes }
    /// The upstream group the tenant's requests go to (set in SQL); nil: its base domain's.
    public var upstreamGroup: String? { self.fields.upstreamGroup }
    /// The IANA zone the tenant's blocked page shows dates in (set in SQL); nil: the profile's.
    public var timeZone: String? { self.fields.timeZone }
    /// When the paid and frozen time runs out unless paid again: the later of `paidUntil` and the
    /// end of the last freeze (an expired tenant's page says "since" it); nil before migration 0009.
    public var expiresAt: Date? { self.fields.expiresAt }
    /// `tenant_status_at`'s `delete_after` for the tenant once expired: when the operator's policy
    /// may remove the account (FreezeGate itself deletes nothing); nil before migration 0009.
    public var deleteAfter: Date? { self.fields.deleteAfter }

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
        self.fields = TenantRecordFields(
            key: key,
            paidFrom: paidFrom,
            paidUntil: paidUntil,
            domains: domains.map(DomainName.normalized),
            freezes: freezes.sorted { ($0.start, $0.id) < ($1.start, $1.id) },
            upstreamGroup: upstreamGroup,
            timeZone: timeZone,
            expiresAt: expiresAt,
            deleteAfter: deleteAfter
        )
    }

    /// Whether `other` is this very record (a copy of it), not merely an equal one: then every
    /// comparison of their fields holds without looking at them.
    func isSameRecord(as other: TenantRecord) -> Bool {
        self.fields === other.fields
    }

    public static func == (lhs: TenantRecord, rhs: TenantRecord) -> Bool {
        lhs.isSameRecord(as: rhs) || lhs.fields.hasEqualValues(to: rhs.fields)
    }

    public func hash(into hasher: inout Hasher) {
        self.fields.hashValues(into: &hasher)
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
