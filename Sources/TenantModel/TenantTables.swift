/// The base tables of a `TenantSnapshot`, built once per full load or overlay fold and shared by every
/// snapshot derived from it (overlays, re-stamps). One object, so that whoever frees a replaced
/// snapshot can tell whether it holds the last reference to the million entries (see
/// `SnapshotReclaimer`).
final class TenantTables: Sendable {
    let recordsByKey: [String: TenantRecord]
    let keysByDomain: [String: String]

    init(recordsByKey: [String: TenantRecord], keysByDomain: [String: String]) {
        self.recordsByKey = recordsByKey
        self.keysByDomain = keysByDomain
    }
}
