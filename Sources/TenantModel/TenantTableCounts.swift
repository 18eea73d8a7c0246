import Foundation

/// How many tenants of a snapshot's base table (its overlay of recent changes left out) are frozen
/// and expired at an instant, and until when: the part of `TenantConditionCounts` that snapshots
/// sharing the table share, so that counting one of them after a change walks its overlay only.
struct TenantTableCounts: Sendable, Equatable {
    /// The `TenantTables.id` of the table counted.
    let tablesID: UInt64
    let frozen: Int
    let expired: Int
    /// The instant counted at.
    let countedAt: Date
    /// The first instant at which a tenant's condition may differ from `countedAt`'s; nil: never.
    let validUntil: Date?

    /// Whether these are also the counts of the table `tablesID` at `instant`.
    func hold(forTables tablesID: UInt64, at instant: Date) -> Bool {
        guard tablesID == self.tablesID, instant >= self.countedAt else { return false }
        guard let validUntil = self.validUntil else { return true }
        return instant < validUntil
    }
}
