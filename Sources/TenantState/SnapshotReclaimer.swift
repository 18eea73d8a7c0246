import Foundation
import Synchronization
import TenantModel

#if canImport(Glibc)
import Glibc
#endif

/// Frees replaced snapshots on a dedicated low-priority thread, never on a request's thread or the
/// sync task.
///
/// Dropping the last reference to a full snapshot frees a million records and the tables over them:
/// tens to hundreds of milliseconds of `free`, page unmapping and malloc-arena locking. Done inside
/// the cache's lock it stalled every request; done on the sync task it still competed with the event
/// loops of a small machine. Here it runs on a thread of its own at the lowest scheduling priority,
/// so that the event loops and the sync run first and the freeing takes idle time.
///
/// Moving the cache's reference here is not enough on its own: a request that took the snapshot just
/// before the swap still holds it, and whoever lets go last frees it. So a snapshot whose base tables
/// someone else still holds is kept and checked again a millisecond later, and dropped only once this
/// thread holds them alone (readers keep a snapshot for microseconds), or after `patience` in case a
/// slow holder (a metrics scrape walking every record) keeps it longer.
final class SnapshotReclaimer: Sendable {
    /// The process-wide reclaimer, started on first use.
    static let shared = SnapshotReclaimer(threadName: "freezegate-reclaim")

    private let pending = Mutex<[TenantSnapshot]>([])
    private let wakeUp = DispatchSemaphore(value: 0)
    private let reclaimed = Atomic<Int>(0)

    /// Starts the thread, which runs as long as the process (the reclaimer is never released).
    init(threadName: String, patience: Duration = .seconds(5)) {
        let thread = Thread { [self] in self.run(patience: patience) }
        thread.name = threadName
        thread.start()
    }

    private func run(patience: Duration) {
        Self.lowerPriority()
        var held: [(snapshot: TenantSnapshot, since: ContinuousClock.Instant)] = []
        while true {
            if held.isEmpty {
                self.wakeUp.wait()
            } else {
                _ = self.wakeUp.wait(timeout: .now() + .milliseconds(1))
            }
            let now = ContinuousClock.now
            var arrived = self.pending.withLock { queued in
                let arrived = queued
                queued = []
                return arrived
            }
            // Moved, not copied: `arrived` must not keep a second reference.
            while let snapshot = arrived.popLast() {
                held.append((snapshot, now))
            }
            var kept: [(snapshot: TenantSnapshot, since: ContinuousClock.Instant)] = []
            while var entry = held.popLast() {
                // Another queued copy of the same tables keeps them alive, so dropping this one is
                // cheap; otherwise two copies would each wait for the other until `patience`.
                let duplicate =
                    held.contains { $0.snapshot.sharesTables(with: entry.snapshot) }
                    || kept.contains { $0.snapshot.sharesTables(with: entry.snapshot) }
                if duplicate || entry.snapshot.holdsItsTablesAlone() || now - entry.since >= patience {
                    // `entry` goes out of scope here: the last reference, freed on this thread.
                    self.reclaimed.add(1, ordering: .relaxed)
                    continue
                }
                kept.append(entry)
            }
            held = kept
        }
    }

    /// Snapshots dropped so far (for tests).
    var reclaimedCount: Int { self.reclaimed.load(ordering: .relaxed) }

    /// Takes over `snapshot` and drops it on the reclaimer's thread once nobody else holds its tables.
    /// The caller passes its last reference (`release(consume snapshot)`); one left behind would be
    /// dropped wherever it ends.
    func release(_ snapshot: consuming TenantSnapshot?) {
        // Moved into the queue, not copied, so that no reference is left on this thread.
        var item = consume snapshot
        guard item != nil else { return }
        self.pending.withLock { queued in
            if let moved = item.take() { queued.append(moved) }
        }
        self.wakeUp.signal()
    }

    /// Nice 19 for this thread only: on Linux the nice value is per thread, and `who` 0 is the caller.
    private static func lowerPriority() {
        #if os(Linux)
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 19)
        #endif
    }
}
