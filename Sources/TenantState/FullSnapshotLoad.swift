import Foundation
import TenantModel

/// A full snapshot loaded and built off the sync loop, waiting to be completed and published by it.
struct FullSnapshotLoad: Sendable {
    /// Every tenant as of the load's query (its statement snapshot), `loadedAt` the instant before it.
    let snapshot: TenantSnapshot
    /// The keys whose records differ from the snapshot that was current when this one was built,
    /// judged from the query's instant on (counted as corrections, less those changed meanwhile).
    let differingKeys: Set<String>
    /// When the load started (for its duration).
    let started: ContinuousClock.Instant
}
