import TenantModel
import TenantState

/// Where a ``GateDecider`` reads the tenant snapshot.
enum SnapshotSource: Sendable {
    /// The live cache: each event loop keeps a copy refreshed when a snapshot is published, so a
    /// request takes no lock shared with other loops (``TenantSnapshotCopy``).
    case cache(TenantStateCache)
    /// A function called once per request (tools, and tests that serve a fixed snapshot).
    case reading(@Sendable () -> TenantSnapshot?)

    /// The current snapshot, read afresh (callers off the event loops).
    func read() -> TenantSnapshot? {
        switch self {
        case .cache(let cache): cache.currentSnapshot()
        case .reading(let read): read()
        }
    }
}
