import Foundation
import TenantModel
import TestSupport
import Testing

@testable import TenantState

/// Where a replaced snapshot is freed: never under the cache's lock nor by whoever happens to drop
/// the last copy (a request's thread), but on the reclaimer's thread once nobody else holds it.
@Suite struct SnapshotReclaimerTests {
    @Test("publish hands the replaced snapshot to the reclaimer, which waits for the last reader")
    func replacedSnapshotOutlivesItsLastReaderOnTheReclaimer() async {
        let reclaimer = SnapshotReclaimer(threadName: "test-reclaim")
        let cache = TenantStateCache(reclaimer: reclaimer)
        cache.publish(numberedSnapshot(1...1000))
        // A request that took the snapshot just before the swap.
        var reader = cache.currentSnapshot()
        cache.publish(numberedSnapshot(1...1001))

        // The replaced tables are still held by the reclaimer: when this reader lets go, its thread
        // does not free them.
        let readerHoldsThemAlone = reader?.holdsItsTablesAlone()
        #expect(readerHoldsThemAlone == false)
        #expect(reclaimer.reclaimedCount == 0)
        #expect(reader?.record(forKey: "t1000") != nil)
        reader = nil
        #expect(await eventually { reclaimer.reclaimedCount == 1 })
        #expect(cache.currentSnapshot()?.count == 1001)
    }

    @Test("two queued copies of the same tables do not wait for each other")
    func queuedCopiesOfTheSameTablesAreFreed() async {
        let reclaimer = SnapshotReclaimer(threadName: "test-reclaim", patience: .seconds(600))
        let base = numberedSnapshot(1...10)
        reclaimer.release(base.stamped(loadedAt: utc("2029-01-02T00:00:00Z")))
        reclaimer.release(consume base)
        #expect(await eventually { reclaimer.reclaimedCount == 2 })
    }

    @Test("an overlay of the same tables is dropped at once, not queued, by the cache and by a reader's copy")
    func overlayOfTheSameTablesIsNotQueued() async throws {
        let reclaimer = SnapshotReclaimer(threadName: "test-reclaim")
        let cache = TenantStateCache(reclaimer: reclaimer)
        let base = numberedSnapshot(1...10)
        cache.publish(base)
        let copy = TenantSnapshotCopy(of: cache)
        cache.publish(base.applyingIncrementally(upserts: [], removals: ["t1"], loadedAt: base.loadedAt))
        #expect(copy.current()?.record(forKey: "t1") == nil)
        cache.publish(base.stamped(loadedAt: utc("2029-01-02T00:00:00Z")))
        #expect(copy.current()?.record(forKey: "t1") != nil)
        try await Task.sleep(for: .milliseconds(50))
        #expect(reclaimer.reclaimedCount == 0)
        #expect(cache.currentSnapshot()?.record(forKey: "t1") != nil)
    }
}
