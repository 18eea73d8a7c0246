import Foundation

extension TenantRecord {
    /// Whether two records decide every instant from `instant` on alike, ignoring freezes that ended
    /// before it (which a later snapshot query leaves out): used to count what a resync corrected
    /// without counting freezes that merely ran out.
    func decidesAlike(_ other: TenantRecord, from instant: Date) -> Bool {
        if self.isSameRecord(as: other) { return true }
        guard self.key == other.key, self.paidFrom == other.paidFrom, self.paidUntil == other.paidUntil,
            self.domains == other.domains, self.upstreamGroup == other.upstreamGroup,
            self.timeZone == other.timeZone, self.expiresAt == other.expiresAt, self.deleteAfter == other.deleteAfter
        else { return false }
        // Lazily: a resync compares a million pairs, and two filtered arrays per pair were two
        // allocations each.
        return self.freezes.lazy.filter { $0.end > instant }.elementsEqual(
            other.freezes.lazy.filter { $0.end > instant }
        )
    }
}
