import Foundation
import TenantModel
import TestSupport
import Testing

@testable import TenantModel

/// `applyingIncrementally` and `stamped` against the reference `applying`.
@Suite struct TenantSnapshotIncrementalTests {
    let paidUntil = utc("2030-01-01T00:00:00Z")
    let loadedAt = utc("2029-01-01T00:00:00Z")

    private func expectSame(_ a: TenantSnapshot, _ b: TenantSnapshot, domains: [String]) {
        #expect(a.count == b.count)
        #expect(a.loadedAt == b.loadedAt)
        for record in a.records {
            #expect(b.record(forKey: record.key) == record)
        }
        for domain in domains {
            #expect(a.record(forDomain: domain)?.key == b.record(forDomain: domain)?.key, "\(domain)")
        }
    }

    @Test func matchesApplyingForRandomChanges() {
        var generator = SystemRandomNumberGenerator()
        let keys = (0..<30).map { "t\($0)" }
        let domainPool = (0..<40).map { "crm\($0).example" }
        for _ in 0..<200 {
            // Unique domains across tenants, as the SQL guarantees.
            var free = domainPool.shuffled(using: &generator)
            func record(_ key: String) -> TenantRecord {
                let count = min(free.count, Int.random(in: 0...2, using: &generator))
                let domains = Array(free.prefix(count))
                free.removeFirst(count)
                return TenantRecord(key: key, paidUntil: self.paidUntil, domains: domains)
            }
            let initialKeys = keys.filter { _ in Bool.random(using: &generator) }
            let original = TenantSnapshot(records: initialKeys.map(record), loadedAt: self.loadedAt)
            // Changed tenants give up their domains first (as a committed change would), then take new ones.
            let changedKeys = keys.filter { _ in Int.random(in: 0..<4, using: &generator) == 0 }
            for key in changedKeys {
                free.append(contentsOf: original.record(forKey: key)?.domains ?? [])
            }
            let removals = Set(changedKeys.filter { _ in Bool.random(using: &generator) })
            let upserts = changedKeys.filter { !removals.contains($0) }.map(record)
            let later = utc("2029-02-01T00:00:00Z")
            let reference = original.applying(upserts: upserts, removals: removals, loadedAt: later)
            let incremental = original.applyingIncrementally(upserts: upserts, removals: removals, loadedAt: later)
            self.expectSame(reference, incremental, domains: domainPool)
        }
    }

    @Test func chainedChangesMatchApplyingAcrossOverlayFolds() {
        var generator = SystemRandomNumberGenerator()
        // 1,000 draws a round over 5,000 keys touch ~4,500 distinct keys in 12 rounds (σ ≈ 20), past
        // `overlayLimit` (4,096) from the records alone, so at least one fold happens whatever the draws.
        let keys = (0..<5000).map { "k\($0)" }
        let domainPool = (0..<2000).map { "d\($0).example" }
        var holders: [String: String] = [:]  // domain → key, unique as in SQL
        func record(_ key: String, paid: Int) -> TenantRecord {
            var domains: [String] = []
            if Int.random(in: 0..<3, using: &generator) == 0,
                let domain = domainPool.randomElement(using: &generator), holders[domain] == nil
            {
                holders[domain] = key
                domains.append(domain)
            }
            return TenantRecord(key: key, paidUntil: self.paidUntil.addingTimeInterval(Double(paid)), domains: domains)
        }
        var reference = TenantSnapshot(records: keys.prefix(3000).map { record($0, paid: 0) }, loadedAt: self.loadedAt)
        var incremental = reference
        var folded = false
        var previousOverlay = 0
        for round in 1...12 {
            let changed = Set((0..<1000).compactMap { _ in keys.randomElement(using: &generator) })
            for key in changed {
                for domain in reference.record(forKey: key)?.domains ?? [] { holders[domain] = nil }
            }
            let removals = Set(changed.filter { _ in Int.random(in: 0..<4, using: &generator) == 0 })
            let upserts = changed.subtracting(removals).map { record($0, paid: round) }
            let at = self.loadedAt.addingTimeInterval(Double(round))
            reference = reference.applying(upserts: upserts, removals: removals, loadedAt: at)
            incremental = incremental.applyingIncrementally(upserts: upserts, removals: removals, loadedAt: at)
            self.expectSame(reference, incremental, domains: domainPool)
            self.expectSame(incremental, reference, domains: [])
            if incremental.overlayCount < previousOverlay { folded = true }
            previousOverlay = incremental.overlayCount
        }
        #expect(folded)
    }

    @Test func removedTenantTakesItsDomainsAlong() {
        let original = TenantSnapshot(
            records: [TenantRecord(key: "acme", paidUntil: self.paidUntil, domains: ["crm.acme.example"])],
            loadedAt: self.loadedAt
        )
        let updated = original.applyingIncrementally(upserts: [], removals: ["acme"], loadedAt: self.loadedAt)
        #expect(updated.record(forDomain: "crm.acme.example") == nil)
        #expect(updated.count == 0)
    }

    @Test func stampedKeepsEverythingButLoadedAt() {
        let original = TenantSnapshot(
            records: [TenantRecord(key: "acme", paidUntil: self.paidUntil, domains: ["crm.acme.example"])],
            loadedAt: self.loadedAt
        )
        let stamped = original.stamped(loadedAt: utc("2029-06-01T00:00:00Z"))
        #expect(stamped.loadedAt == utc("2029-06-01T00:00:00Z"))
        self.expectSame(original.stamped(loadedAt: stamped.loadedAt), stamped, domains: ["crm.acme.example"])
        #expect(stamped.record(forDomain: "crm.acme.example")?.key == "acme")
    }
}
