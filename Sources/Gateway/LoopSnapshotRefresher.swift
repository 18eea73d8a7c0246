import NIOCore
import TenantState

/// Refreshes one event loop's snapshot copy when the cache publishes a snapshot, on that loop: a
/// loop that serves no request for a while must not keep a replaced snapshot (a million records)
/// alive until its next request.
final class LoopSnapshotRefresher: SnapshotPublicationObserver {
    private let copy: NIOLoopBound<TenantSnapshotCopy>

    init(_ copy: NIOLoopBound<TenantSnapshotCopy>) {
        self.copy = copy
    }

    func snapshotPublished() {
        let copy = self.copy
        copy.eventLoop.execute { copy.value.refresh() }
    }
}
