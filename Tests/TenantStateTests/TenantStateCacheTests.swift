import Foundation
import TenantModel
import TestSupport
import Testing

@testable import TenantState

@Suite struct TenantStateCacheTests {
    @Test func notReadyUntilPublished() {
        let cache = TenantStateCache()
        #expect(!cache.isReady)
        #expect(cache.currentSnapshot() == nil)
        #expect(cache.snapshotAge(now: Date()) == nil)

        let snapshot = TenantSnapshot(
            records: [TenantRecord(key: "acme", paidUntil: utc("2030-01-01T00:00:00Z"))],
            loadedAt: utc("2029-01-01T00:00:00Z")
        )
        cache.publish(snapshot)
        #expect(cache.isReady)
        #expect(cache.currentSnapshot()?.record(forKey: "acme") != nil)
        #expect(cache.statistics.tenantCount == 1)
        #expect(cache.snapshotAge(now: utc("2029-01-01T00:00:30Z")) == 30)
        // A clock behind the snapshot gives age 0, not a negative age.
        #expect(cache.snapshotAge(now: utc("2028-12-31T00:00:00Z")) == 0)
    }

    @Test func readersKeepTheSnapshotTheyTook() {
        let cache = TenantStateCache()
        let first = TenantSnapshot(
            records: [TenantRecord(key: "acme", paidUntil: utc("2030-01-01T00:00:00Z"))],
            loadedAt: utc("2029-01-01T00:00:00Z")
        )
        cache.publish(first)
        let taken = cache.currentSnapshot()
        cache.publish(
            first.applyingIncrementally(upserts: [], removals: ["acme"], loadedAt: utc("2029-01-02T00:00:00Z"))
        )
        #expect(taken?.record(forKey: "acme") != nil)
        #expect(cache.currentSnapshot()?.record(forKey: "acme") == nil)
    }
}
