import Foundation

/// How many tenants of a snapshot are frozen, expired and active at an instant, and until when those
/// figures hold: counting walks every tenant, so the metrics count again only when the tenants
/// changed or a freeze, a paid period or a licence starts or ends.
public struct TenantConditionCounts: Sendable, Equatable {
    public let frozen: Int
    public let expired: Int
    public let active: Int
    /// The `contentID` of the snapshot counted.
    public let contentID: UInt64
    /// The instant counted at.
    public let countedAt: Date
    /// The first instant at which a tenant's condition may differ from `countedAt`'s; nil: never.
    public let validUntil: Date?
    /// The counts of the snapshot's base table alone, reused by `TenantSnapshot.conditionCounts(at:reusing:)`
    /// for a later snapshot over the same table.
    let table: TenantTableCounts

    init(
        frozen: Int,
        expired: Int,
        active: Int,
        contentID: UInt64,
        countedAt: Date,
        validUntil: Date?,
        table: TenantTableCounts
    ) {
        self.frozen = frozen
        self.expired = expired
        self.active = active
        self.contentID = contentID
        self.countedAt = countedAt
        self.validUntil = validUntil
        self.table = table
    }

    /// Whether these are also the counts of `snapshot` at `instant` (the same tenants, and `instant`
    /// within the span in which no condition changes; a wall clock set back counts again).
    public func hold(for snapshot: TenantSnapshot, at instant: Date) -> Bool {
        guard snapshot.contentID == self.contentID, instant >= self.countedAt else { return false }
        guard let validUntil = self.validUntil else { return true }
        return instant < validUntil
    }
}
