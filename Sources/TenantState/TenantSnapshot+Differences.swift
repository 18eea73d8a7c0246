import Foundation

extension TenantSnapshot {
    /// The number of tenants added, removed or changed in `newer` compared with this snapshot, judged
    /// from `instant` on (see `TenantRecord.decidesAlike`).
    func countOfChangedTenants(in newer: TenantSnapshot, from instant: Date) -> Int {
        var changed = 0
        for record in newer.records {
            guard let old = self.record(forKey: record.key), old.decidesAlike(record, from: instant) else {
                changed += 1
                continue
            }
        }
        for record in self.records where newer.record(forKey: record.key) == nil {
            changed += 1
        }
        return changed
    }
}
