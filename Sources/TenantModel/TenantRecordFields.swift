import Foundation

/// The fields of a `TenantRecord`, immutable and shared by its copies.
final class TenantRecordFields: Sendable {
    let key: String
    let paidFrom: Date?
    let paidUntil: Date
    let domains: [String]
    let freezes: [FreezeWindow]
    let upstreamGroup: String?
    let timeZone: String?
    let expiresAt: Date?
    let deleteAfter: Date?

    init(
        key: String,
        paidFrom: Date?,
        paidUntil: Date,
        domains: [String],
        freezes: [FreezeWindow],
        upstreamGroup: String?,
        timeZone: String?,
        expiresAt: Date?,
        deleteAfter: Date?
    ) {
        self.key = key
        self.paidFrom = paidFrom
        self.paidUntil = paidUntil
        self.domains = domains
        self.freezes = freezes
        self.upstreamGroup = upstreamGroup
        self.timeZone = timeZone
        self.expiresAt = expiresAt
        self.deleteAfter = deleteAfter
    }

    /// Field by field, as a synthesised `==` of the record would compare them.
    func hasEqualValues(to other: TenantRecordFields) -> Bool {
        self.key == other.key && self.paidFrom == other.paidFrom && self.paidUntil == other.paidUntil
            && self.domains == other.domains && self.freezes == other.freezes
            && self.upstreamGroup == other.upstreamGroup && self.timeZone == other.timeZone
            && self.expiresAt == other.expiresAt && self.deleteAfter == other.deleteAfter
    }

    /// Every field, in declaration order, as a synthesised `hash(into:)` of the record would.
    func hashValues(into hasher: inout Hasher) {
        hasher.combine(self.key)
        hasher.combine(self.paidFrom)
        hasher.combine(self.paidUntil)
        hasher.combine(self.domains)
        hasher.combine(self.freezes)
        hasher.combine(self.upstreamGroup)
        hasher.combine(self.timeZone)
        hasher.combine(self.expiresAt)
        hasher.combine(self.deleteAfter)
    }
}
