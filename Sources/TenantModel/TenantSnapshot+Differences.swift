import Foundation

extension TenantSnapshot {
    /// The keys of the tenants added, removed or changed in `newer` compared with this snapshot,
    /// judged from `instant` on (see `TenantRecord.decidesAlike`). Walks both without merging their
    /// overlays, so that a resync does not allocate a third table of every tenant.
    package func keysOfChangedTenants(in newer: TenantSnapshot, from instant: Date) -> Set<String> {
        var changed: Set<String> = []
        newer.forEachRecord { record in
            if let old = self.record(forKey: record.key), old.decidesAlike(record, from: instant) { return }
            changed.insert(record.key)
        }
        self.forEachRecord { record in
            if newer.record(forKey: record.key) == nil { changed.insert(record.key) }
        }
        return changed
    }
}
