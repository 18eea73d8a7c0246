import Foundation
import Synchronization
import TenantModel
import TestSupport
import Testing

@testable import TenantState

/// An event loop's copy of the snapshot: read without the cache's lock, taken again only when a
/// snapshot was published, and the copy it replaces freed on the reclaimer's thread.
@Suite struct TenantSnapshotCopyTests {
    @Test("a copy reads nothing before the first publication, then every published snapshot")
    func copyFollowsEveryPublication() throws {
        let cache = TenantStateCache()
        let copy = TenantSnapshotCopy(of: cache)
        #expect(copy.current() == nil)
        #expect(cache.publishedVersion == 0)

        cache.publish(numberedSnapshot(1...3))
        #expect(copy.current()?.count == 3)
        cache.publish(numberedSnapshot(1...5))
        #expect(copy.current()?.count == 5)
        let overlay = try #require(cache.currentSnapshot())
            .applyingIncrementally(upserts: [], removals: ["t1"], loadedAt: utc("2029-01-02T00:00:00Z"))
        cache.publish(overlay)
        #expect(copy.current()?.record(forKey: "t1") == nil)
        #expect(copy.current()?.loadedAt == utc("2029-01-02T00:00:00Z"))
        #expect(cache.publishedVersion == 3)
    }

    @Test("the copy a reader replaces is freed on the reclaimer, and not before the reader lets go")
    func replacedCopyIsFreedOnTheReclaimer() async throws {
        let reclaimer = SnapshotReclaimer(threadName: "test-reclaim", patience: .seconds(600))
        let cache = TenantStateCache(reclaimer: reclaimer)
        cache.publish(numberedSnapshot(1...1000))
        let copy = TenantSnapshotCopy(of: cache)
        #expect(copy.current()?.count == 1000)
        cache.publish(numberedSnapshot(1...1001))

        // The copy still holds the replaced tables: the reclaimer keeps its reference and waits.
        try await Task.sleep(for: .milliseconds(50))
        #expect(reclaimer.reclaimedCount == 0)

        // The next read takes the new snapshot and hands the old one over: both references to the
        // replaced tables, the cache's and the copy's, end on the reclaimer's thread.
        #expect(copy.current()?.count == 1001)
        #expect(await eventually { reclaimer.reclaimedCount == 2 })
    }

    @Test("observers hear of every publication, and only while something else holds them")
    func observersAreToldWhileHeld() {
        final class CountingObserver: SnapshotPublicationObserver {
            let published = Atomic<Int>(0)
            func snapshotPublished() { self.published.add(1, ordering: .relaxed) }
        }
        let cache = TenantStateCache()
        let observer = CountingObserver()
        cache.addObserver(observer)
        cache.publish(numberedSnapshot(1...2))
        cache.publish(numberedSnapshot(1...3))
        #expect(observer.published.load(ordering: .relaxed) == 2)

        weak var dropped: CountingObserver?
        do {
            let shortLived = CountingObserver()
            cache.addObserver(shortLived)
            dropped = shortLived
        }
        #expect(dropped == nil)
        cache.publish(numberedSnapshot(1...4))
        #expect(observer.published.load(ordering: .relaxed) == 3)
    }
}
