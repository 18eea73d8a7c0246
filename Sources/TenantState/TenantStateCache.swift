import Foundation
import Synchronization
import TenantModel

/// The current tenant snapshot, read on every request; written only by `TenantStateSync`.
///
/// The snapshot is an immutable value. A writer builds the next snapshot outside any lock and swaps
/// it in, so a reader sees the old or the new one, never a mixture; each swap moves the published
/// version on. The lock is held for the swap only: the replaced snapshot is moved out and freed on
/// the `SnapshotReclaimer`'s thread, because freeing a million records under the lock (as the swap
/// once did) stalled every request for a third of a second.
///
/// Requests do not take the lock: each event loop keeps a ``TenantSnapshotCopy``, which compares
/// the published version (one atomic load) and takes the lock only when a new snapshot was
/// published. Observers (``SnapshotPublicationObserver``) hear of every publication, so that a copy
/// on a loop that gets no request lets go of a replaced snapshot too.
public final class TenantStateCache: Sendable {
    private let snapshot = Mutex<TenantSnapshot?>(nil)
    /// Moved on under the lock by every publication; read without it by ``TenantSnapshotCopy``.
    private let version = Atomic<Int>(0)
    private let observers = Mutex<[WeakPublicationObserver]>([])
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

    /// The snapshot and the version it was published as, read together.
    public func currentSnapshotAndVersion() -> (snapshot: TenantSnapshot?, version: Int) {
        self.snapshot.withLock { ($0, self.version.load(ordering: .relaxed)) }
    }

    /// The version of the snapshot published last (0 before the first): one atomic load, no lock.
    public var publishedVersion: Int {
        self.version.load(ordering: .acquiring)
    }

    /// Tells `observer` of every later publication, on the publishing thread, for as long as
    /// something else holds `observer` (the cache keeps it weakly).
    public func addObserver(_ observer: any SnapshotPublicationObserver) {
        self.observers.withLock { observers in
            observers.removeAll { $0.observer == nil }
            observers.append(WeakPublicationObserver(observer: observer))
        }
    }

    /// Takes over a reader's replaced copy: dropped at once if it shares its base tables with
    /// `current` (an overlay frees a few entries at most), otherwise freed on the reclaimer's thread,
    /// never on the reader's. The caller passes its last reference (`retire(consume old, …)`).
    public func retire(_ replaced: consuming TenantSnapshot?, current: TenantSnapshot?) {
        var item = consume replaced
        if let old = item, let current, old.sharesTables(with: current) {
            item = nil
            return
        }
        self.reclaimer.release(consume item)
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
        let replaced = self.snapshot.withLock { current in
            let replaced = current.take()
            current = snapshot
            self.version.add(1, ordering: .releasing)
            return replaced
        }
        // An overlay or a re-stamp of the same tables is dropped here: it frees a few entries at most.
        self.retire(consume replaced, current: snapshot)
        self.counters.withLock { $0.tenantCount = count }
        let observers = self.observers.withLock { $0.compactMap(\.observer) }
        for observer in observers {
            observer.snapshotPublished()
        }
    }

    func updateStatistics(_ body: (inout TenantStateStatistics) -> Void) {
        self.counters.withLock { body(&$0) }
    }
}
