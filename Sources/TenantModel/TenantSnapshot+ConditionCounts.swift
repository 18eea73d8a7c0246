import Foundation

extension TenantSnapshot {
    /// The tenants by condition at `instant`, with the span in which those counts hold.
    ///
    /// Walks every tenant of the base table once, without merging the overlay into a copy of it —
    /// unless `previous` counted the same base table and its counts still hold at `instant` (this
    /// snapshot only added changes to the one counted, as a notification does): then only the
    /// overlay's changed tenants are walked. A change at a million tenants then costs a walk of the
    /// few thousand changed since the last full build, not of the million. `pace` is called once per
    /// record of a full walk, so that the caller can give the core away during it.
    public func conditionCounts(
        at instant: Date,
        reusing previous: TenantConditionCounts? = nil,
        pacing pace: () -> Void = {}
    ) -> TenantConditionCounts {
        let tables = self.baseTables
        let table: TenantTableCounts
        if let counted = previous?.table, counted.hold(forTables: tables.id, at: instant) {
            table = counted
        } else {
            table = Self.count(tables, at: instant, pacing: pace)
        }
        var frozen = table.frozen
        var expired = table.expired
        // The base table's boundaries include those of the records the overlay replaced: an earlier
        // end of the span than needed at worst, never a later one.
        var validUntil = table.validUntil
        func tally(_ record: TenantRecord, _ step: Int) {
            switch record.condition(at: instant) {
            case .frozen: frozen += step
            case .expired: expired += step
            case .active: break
            }
        }
        for (key, changed) in self.overlayRecords {
            if let replaced = tables.recordsByKey[key] { tally(replaced, -1) }
            guard let record = changed else { continue }
            tally(record, 1)
            validUntil = Self.earlier(validUntil, record.nextConditionChange(after: instant))
        }
        return TenantConditionCounts(
            frozen: frozen,
            expired: expired,
            active: self.count - frozen - expired,
            contentID: self.contentID,
            countedAt: instant,
            validUntil: validUntil,
            table: table
        )
    }

    /// The counts of the base table alone: one walk of every record in it.
    private static func count(_ tables: TenantTables, at instant: Date, pacing pace: () -> Void) -> TenantTableCounts {
        var frozen = 0
        var expired = 0
        var validUntil: Date?
        for record in tables.recordsByKey.values {
            pace()
            switch record.condition(at: instant) {
            case .frozen: frozen += 1
            case .expired: expired += 1
            case .active: break
            }
            validUntil = Self.earlier(validUntil, record.nextConditionChange(after: instant))
        }
        return TenantTableCounts(
            tablesID: tables.id,
            frozen: frozen,
            expired: expired,
            countedAt: instant,
            validUntil: validUntil
        )
    }

    /// The earlier of two span ends, where nil means "never".
    private static func earlier(_ first: Date?, _ second: Date?) -> Date? {
        guard let first else { return second }
        guard let second else { return first }
        return min(first, second)
    }
}
