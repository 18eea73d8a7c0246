import TenantModel

/// One thread's copy of a ``TenantStateCache``'s snapshot (an event loop's), read by its requests
/// without the cache's lock: `current()` compares the cache's published version with the copy's,
/// one atomic load, and takes the lock only when a newer snapshot was published.
///
/// The copy it replaces is handed to the cache's reclaimer, so that a million records are never
/// freed on this thread. Not thread-safe: used on its one thread only.
public final class TenantSnapshotCopy {
    private let cache: TenantStateCache
    private var snapshot: TenantSnapshot?
    private var version: Int

    public init(of cache: TenantStateCache) {
        self.cache = cache
        (self.snapshot, self.version) = cache.currentSnapshotAndVersion()
    }

    /// The cache's current snapshot: this copy, refreshed first when it is out of date.
    @inline(__always)
    public func current() -> TenantSnapshot? {
        if self.cache.publishedVersion != self.version {
            self.refresh()
        }
        return self.snapshot
    }

    /// Takes the cache's current snapshot if it is newer than this copy, and retires the old one.
    public func refresh() {
        let (latest, version) = self.cache.currentSnapshotAndVersion()
        guard version != self.version else { return }
        let replaced = self.snapshot.take()
        self.snapshot = latest
        self.version = version
        self.cache.retire(consume replaced, current: latest)
    }
}
