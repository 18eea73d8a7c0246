/// Hears of every snapshot a ``TenantStateCache`` publishes (an event loop's copy, to let go of the
/// replaced one even when no request comes). Called on the publishing thread: it must return at
/// once (hand the work to its own thread).
public protocol SnapshotPublicationObserver: AnyObject, Sendable {
    func snapshotPublished()
}
