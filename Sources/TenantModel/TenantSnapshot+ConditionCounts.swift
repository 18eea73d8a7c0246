import Foundation

extension TenantSnapshot {
    /// The tenants by condition at `instant`, with the span in which those counts hold (one walk of
    /// every tenant, without merging the overlay into a copy of the table).
    public func conditionCounts(at instant: Date) -> TenantConditionCounts {
        var frozen = 0
        var expired = 0
        var validUntil: Date?
        self.forEachRecord { record in
            switch record.condition(at: instant) {
            case .frozen: frozen += 1
            case .expired: expired += 1
            case .active: break
            }
            if let next = record.nextConditionChange(after: instant), validUntil.map({ next < $0 }) ?? true {
                validUntil = next
            }
        }
        return TenantConditionCounts(
            frozen: frozen,
            expired: expired,
            active: self.count - frozen - expired,
            contentID: self.contentID,
            countedAt: instant,
            validUntil: validUntil
        )
    }
}
