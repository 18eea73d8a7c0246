/// The cache's reference to an observer: weak, so that a proxy stopped and dropped is not kept alive
/// (nor told of snapshots) by the cache that outlives it.
struct WeakPublicationObserver: Sendable {
    weak var observer: (any SnapshotPublicationObserver)?
}
