import Foundation
import Synchronization
import TenantModel

/// The current tenant snapshot, read on every request; written only by `TenantStateSync`.
///
/// The snapshot is an immutable value: a reader takes it under a lock held only for the copy of
/// one reference-counted value (never across I/O), then decides without any lock. A writer builds
/// the next snapshot outside the lock and swaps it in, so a reader sees the old or the new one,
/// never a mixture. The lock is held for the swap only: the replaced snapshot is moved out and
/// freed on the `SnapshotReclaimer`'s thread, because freeing a million records under the lock
/// (as the swap once did) stalled every request for a third of a second.
public final class TenantStateCache: Sendable {
    private let snapshot = Mutex<TenantSnapshot?>(nil)
    private let counters = Mutex(TenantStateStatistics())
    let reclaimer: SnapshotReclaimer

    public convenience init() {
        self.init(reclaimer: .shared)
    }

    init(reclaimer: SnapshotReclaimer) {
        self.reclaimer = reclaimer
    }

    /// The snapshot to decide from, or nil until the first full load has succeeded. While
    /// PostgreSQL is unreachable this stays the last snapshot loaded.
    public func currentSnapshot() -> TenantSnapshot? {
        self.snapshot.withLock { $0 }
    }

    /// Whether a full snapshot has been loaded (`/readyz`). Stays true through later outages.
    public var isReady: Bool {
        self.snapshot.withLock { $0 != nil }
    }

    /// Seconds since the snapshot was last known to agree with the database (its `loadedAt`), or nil
    /// before the first load. See `TenantStateSync` for when `loadedAt` moves.
    public func snapshotAge(now: Date) -> TimeInterval? {
        self.snapshot.withLock { $0?.loadedAt }.map { max(0, now.timeIntervalSince($0)) }
    }

    /// A copy of the counters.
    public var statistics: TenantStateStatistics {
        self.counters.withLock { $0 }
    }

    /// Replaces the snapshot. Public so that tests and tools can serve a fixed snapshot without a database.
    public func publish(_ snapshot: TenantSnapshot) {
        let count = snapshot.count
        var replaced = self.snapshot.withLock { current in
            let replaced = current.take()
            current = snapshot
            return replaced
        }
        if let old = replaced, old.sharesTables(with: snapshot) {
            // An overlay or a re-stamp of the same tables: dropping it frees a few entries at most.
            replaced = nil
        } else {
            self.reclaimer.release(consume replaced)
        }
        self.counters.withLock { $0.tenantCount = count }
    }

    func updateStatistics(_ body: (inout TenantStateStatistics) -> Void) {
        self.counters.withLock { body(&$0) }
    }
}
