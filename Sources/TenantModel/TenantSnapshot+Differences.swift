import Foundation

extension TenantSnapshot {
    /// The keys of the tenants added, removed or changed in `newer` compared with this snapshot,
    /// judged from `instant` on (see `TenantRecord.decidesAlike`). Walks both without merging their
    /// overlays, so that a resync does not allocate a third table of every tenant.
    /// `pace` is called once per record visited (see `init(recordsByKey:loadedAt:pacing:)`).
    package func keysOfChangedTenants(
        in newer: TenantSnapshot,
        from instant: Date,
        pacing pace: () -> Void = {}
    ) -> Set<String> {
        var changed: Set<String> = []
        // Keys are unique in each: when every tenant of this snapshot was met in `newer`, none was
        // removed, and the second walk (a lookup per tenant) is not needed.
        var kept = 0
        newer.forEachRecord { record in
            pace()
            guard let old = self.record(forKey: record.key) else {
                changed.insert(record.key)
                return
            }
            kept += 1
            if !old.decidesAlike(record, from: instant) { changed.insert(record.key) }
        }
        guard kept < self.count else { return changed }
        self.forEachRecord { record in
            pace()
            if newer.record(forKey: record.key) == nil { changed.insert(record.key) }
        }
        return changed
    }
}
