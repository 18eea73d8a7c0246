import Foundation
import TenantModel
import TestSupport
import Testing

@testable import TenantModel

/// `keysOfChangedTenants` (what a resync reports as corrected) against a plain comparison of the
/// two sets of records.
@Suite struct TenantSnapshotDifferencesTests {
    let base = utc("2027-06-01T00:00:00Z")

    private func day(_ offset: Int) -> Date { self.base.addingTimeInterval(Double(offset) * 86_400) }

    /// The reference: added, removed, or different in anything that decides from `instant` on
    /// (freezes that ended before it do not count).
    private func expectedKeys(_ old: [TenantRecord], _ new: [TenantRecord], from instant: Date) -> Set<String> {
        let oldByKey = Dictionary(uniqueKeysWithValues: old.map { ($0.key, $0) })
        let newByKey = Dictionary(uniqueKeysWithValues: new.map { ($0.key, $0) })
        var keys = Set(oldByKey.keys).symmetricDifference(newByKey.keys)
        for (key, record) in newByKey {
            guard let before = oldByKey[key] else { continue }
            let current = { (record: TenantRecord) in record.freezes.filter { $0.end > instant } }
            if before.paidFrom != record.paidFrom || before.paidUntil != record.paidUntil
                || before.domains != record.domains || before.upstreamGroup != record.upstreamGroup
                || before.timeZone != record.timeZone || before.expiresAt != record.expiresAt
                || before.deleteAfter != record.deleteAfter || current(before) != current(record)
            {
                keys.insert(key)
            }
        }
        return keys
    }

    @Test func addedRemovedAndChangedTenantsAreFoundWithOrWithoutRemovals() {
        for seed in 0..<60 {
            var generator = SplitMix64(seed: UInt64(seed))
            func record(_ key: String) -> TenantRecord {
                let freezes = (0..<Int.random(in: 0...2, using: &generator)).map { id in
                    let start = self.day(Int.random(in: -40...40, using: &generator))
                    return FreezeWindow(id: Int64(id), start: start, end: start.addingTimeInterval(30 * 86_400))
                }
                return TenantRecord(
                    key: key,
                    paidUntil: self.day(Int.random(in: 0...3, using: &generator)),
                    domains: Bool.random(using: &generator) ? ["\(key).example"] : [],
                    freezes: freezes
                )
            }
            let keys = (0..<40).map { "t\($0)" }
            let old = keys.filter { _ in Int.random(in: 0..<10, using: &generator) > 0 }.map(record)
            // Some seeds remove nothing (the walk for removals is skipped then), others do.
            let removing = seed % 2 == 0
            var new: [TenantRecord] = []
            for key in keys {
                let existing = old.first { $0.key == key }
                if existing != nil, removing, Int.random(in: 0..<8, using: &generator) == 0 { continue }
                if let existing, Int.random(in: 0..<3, using: &generator) > 0 {
                    new.append(existing)
                } else {
                    new.append(record(key))
                }
            }
            let instant = self.day(Int.random(in: -10...10, using: &generator))
            let before = TenantSnapshot(records: old, loadedAt: self.base)
            let after = TenantSnapshot(records: new, loadedAt: self.base)
            #expect(
                before.keysOfChangedTenants(in: after, from: instant) == expectedKeys(old, new, from: instant),
                "seed \(seed)"
            )
        }
    }

    /// A resync compares a million records in one go: the comparison offers its pace once per record
    /// it visits (both walks when a tenant was removed), so that the caller can give the core away.
    @Test func theComparisonPacesOncePerRecordVisited() {
        let old = (0..<30).map { TenantRecord(key: "t\($0)", paidUntil: self.day(1)) }
        let kept = TenantSnapshot(records: old, loadedAt: self.base)
        var paces = 0
        _ = kept.keysOfChangedTenants(in: kept, from: self.base, pacing: { paces += 1 })
        #expect(paces == 30, "nothing removed: one walk")
        paces = 0
        let fewer = TenantSnapshot(records: Array(old.dropLast(5)), loadedAt: self.base)
        #expect(kept.keysOfChangedTenants(in: fewer, from: self.base, pacing: { paces += 1 }).count == 5)
        #expect(paces == 25 + 30, "a removal: both walks")
    }
}
