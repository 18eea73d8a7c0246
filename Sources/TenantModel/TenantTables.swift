import Synchronization

/// The base tables of a `TenantSnapshot`, built once per full load or overlay fold and shared by every
/// snapshot derived from it (overlays, re-stamps). One object, so that whoever frees a replaced
/// snapshot can tell whether it holds the last reference to the million entries (see
/// `SnapshotReclaimer`).
final class TenantTables: Sendable {
    let recordsByKey: [String: TenantRecord]
    let keysByDomain: [String: String]
    /// Unique within the process: what a result computed from these tables alone is cached by, without
    /// keeping the tables alive (`TenantTableCounts`).
    let id: UInt64

    /// The source of `id`s.
    private static let ids = Atomic<UInt64>(0)

    init(recordsByKey: [String: TenantRecord], keysByDomain: [String: String]) {
        self.recordsByKey = recordsByKey
        self.keysByDomain = keysByDomain
        self.id = Self.ids.add(1, ordering: .relaxed).newValue
    }
}
