import Foundation
import Synchronization

/// An immutable picture of all tenants, looked up on every request without a lock.
///
/// The cache swaps whole snapshots; a notification about a few tenants builds a new snapshot with
/// `applying(upserts:removals:loadedAt:)` instead of reloading everything.
///
/// Storage: a base table plus a small overlay of the tenants changed since the base was built, so
/// that applying one changed tenant to 100,000 copies the overlay, not the base (copying a
/// 100,000-entry dictionary costs ~10 ms, which showed in commit-to-effect latency). The overlay is
/// folded into a new base once it holds `overlayLimit` keys. Lookups check the overlay first.
public struct TenantSnapshot: Sendable {
    /// `var` only so that `holdsItsTablesAlone()` can ask whether the reference is unique.
    private var tables: TenantTables
    private var recordsByKey: [String: TenantRecord] { self.tables.recordsByKey }
    private var keysByDomain: [String: String] { self.tables.keysByDomain }
    /// Changed tenants since `recordsByKey` was built: a record, or nil for a removed tenant.
    private let changedRecords: [String: TenantRecord?]
    /// Changed domains since `keysByDomain` was built: the holder, or nil for a domain no one holds.
    private let changedDomains: [String: String?]
    /// The number of tenants (base and overlay together).
    public let count: Int
    /// When the data of this snapshot was read from PostgreSQL (for staleness checks and metrics).
    public let loadedAt: Date
    /// Equal for two snapshots with the same tenants (a snapshot and its `stamped` copies), different
    /// once a change or a load made new ones: what a result computed from the tenants can be cached by.
    public let contentID: UInt64

    /// The source of `contentID`s, unique within the process.
    private static let contentIDs = Atomic<UInt64>(0)

    /// Overlay size at which `applyingIncrementally` folds the overlay into a new base.
    static let overlayLimit = 4096

    public init(records: [TenantRecord], loadedAt: Date) {
        var byKey: [String: TenantRecord] = [:]
        byKey.reserveCapacity(records.count)
        for record in records {
            byKey[record.key] = record
        }
        self.init(recordsByKey: byKey, loadedAt: loadedAt)
    }

    /// A snapshot of the tenants in `recordsByKey` (each under its own key). `pace` is called once
    /// per record, so that a caller building a large snapshot can give the CPU away between records.
    package init(recordsByKey: [String: TenantRecord], loadedAt: Date, pacing pace: () -> Void = {}) {
        var byDomain: [String: String] = [:]
        // Deterministic when two tenants claim one domain (the SQL forbids it): the smaller key wins.
        // One walk in table order, not a walk in sorted order (sorting and looking up a million keys
        // was a tenth of a resync's CPU).
        for (key, record) in recordsByKey {
            pace()
            if record.domains.isEmpty { continue }
            for domain in record.domains {
                if let holder = byDomain[domain], holder < key { continue }
                byDomain[domain] = key
            }
        }
        self.init(recordsByKey: recordsByKey, keysByDomain: byDomain, loadedAt: loadedAt)
    }

    private init(recordsByKey: [String: TenantRecord], keysByDomain: [String: String], loadedAt: Date) {
        self.init(
            tables: TenantTables(recordsByKey: recordsByKey, keysByDomain: keysByDomain),
            changedRecords: [:],
            changedDomains: [:],
            count: recordsByKey.count,
            loadedAt: loadedAt,
            contentID: Self.newContentID()
        )
    }

    private static func newContentID() -> UInt64 {
        Self.contentIDs.add(1, ordering: .relaxed).newValue
    }

    private init(
        tables: TenantTables,
        changedRecords: [String: TenantRecord?],
        changedDomains: [String: String?],
        count: Int,
        loadedAt: Date,
        contentID: UInt64
    ) {
        self.tables = tables
        self.changedRecords = changedRecords
        self.changedDomains = changedDomains
        self.count = count
        self.loadedAt = loadedAt
        self.contentID = contentID
    }

    /// All records, in no particular order. O(1) unless tenants changed since the last full build;
    /// then the records are merged into a new table first (O(n)).
    public var records: Dictionary<String, TenantRecord>.Values {
        self.mergedRecordsByKey().values
    }

    /// Calls `body` with every record, in no particular order, without merging base and overlay into
    /// a new table first (as `records` does): no allocation proportional to the number of tenants.
    public func forEachRecord(_ body: (TenantRecord) throws -> Void) rethrows {
        for (key, record) in self.recordsByKey where self.changedRecords.isEmpty || self.changedRecords[key] == nil {
            try body(record)
        }
        for case .some(let record) in self.changedRecords.values {
            try body(record)
        }
    }

    /// The tenant with this key (keys are compared lower-cased).
    public func record(forKey key: String) -> TenantRecord? {
        if let record = self.exactRecord(forKey: key) { return record }
        let lowered = key.lowercased()
        return lowered == key ? nil : self.exactRecord(forKey: lowered)
    }

    /// The tenant that registered this custom domain (case, trailing dot and IDN form ignored).
    public func record(forDomain domain: String) -> TenantRecord? {
        guard let key = self.holder(ofDomain: DomainName.normalized(domain)) else { return nil }
        return self.exactRecord(forKey: key)
    }

    /// A new snapshot with `upserts` replacing (or adding) their tenants and `removals` deleted.
    /// A changed tenant's old domains disappear with its old record.
    public func applying(upserts: [TenantRecord], removals: Set<String>, loadedAt: Date) -> TenantSnapshot {
        var byKey = self.mergedRecordsByKey()
        for key in removals {
            byKey[key] = nil
        }
        for record in upserts {
            byKey[record.key] = record
        }
        return TenantSnapshot(recordsByKey: byKey, loadedAt: loadedAt)
    }

    /// The same tenants with another `loadedAt`, in constant time (the tables are shared, not
    /// rebuilt): how the live state marks a snapshot it still knows to be in sync with the database.
    public func stamped(loadedAt: Date) -> TenantSnapshot {
        TenantSnapshot(
            tables: self.tables,
            changedRecords: self.changedRecords,
            changedDomains: self.changedDomains,
            count: self.count,
            loadedAt: loadedAt,
            contentID: self.contentID
        )
    }

    /// The result of `applying(upserts:removals:loadedAt:)` in time proportional to the change rather
    /// than to the number of tenants, so that a notification about one tenant does not copy and
    /// re-index 100,000. Identical to `applying` whenever no two tenants claim one domain (the SQL
    /// forbids it); where they do, a domain keeps the smaller key among the claimants it has seen, and
    /// a domain freed by its holder is not handed to another claimant until that claimant changes.
    public func applyingIncrementally(upserts: [TenantRecord], removals: Set<String>, loadedAt: Date) -> TenantSnapshot
    {
        var changedRecords = self.changedRecords
        var changedDomains = self.changedDomains
        var count = self.count
        func current(_ key: String) -> TenantRecord? {
            if let changed = changedRecords[key] { return changed }
            return self.recordsByKey[key]
        }
        func holder(_ domain: String) -> String? {
            if let changed = changedDomains[domain] { return changed }
            return self.keysByDomain[domain]
        }
        func remove(_ key: String) {
            guard let old = current(key) else { return }
            for domain in old.domains where holder(domain) == key {
                changedDomains[domain] = .some(nil)
            }
            changedRecords[key] = .some(nil)
            count -= 1
        }
        for key in removals {
            remove(key)
        }
        for record in upserts {
            remove(record.key)
            changedRecords[record.key] = record
            count += 1
        }
        for record in upserts where current(record.key) == record {
            for domain in record.domains {
                if let holder = holder(domain), holder <= record.key { continue }
                changedDomains[domain] = .some(record.key)
            }
        }
        let overlay = TenantSnapshot(
            tables: self.tables,
            changedRecords: changedRecords,
            changedDomains: changedDomains,
            count: count,
            loadedAt: loadedAt,
            contentID: Self.newContentID()
        )
        guard changedRecords.count + changedDomains.count >= Self.overlayLimit else { return overlay }
        return TenantSnapshot(
            recordsByKey: overlay.mergedRecordsByKey(),
            keysByDomain: overlay.mergedKeysByDomain(),
            loadedAt: loadedAt
        )
    }

    /// The base tables, for what is computed from them alone (`TenantTableCounts`).
    var baseTables: TenantTables { self.tables }

    /// The tenants changed since the base tables were built: a record, or nil for a removed tenant.
    var overlayRecords: [String: TenantRecord?] { self.changedRecords }

    /// Whether these base tables are `other`'s too (then dropping this snapshot frees only its overlay).
    package func sharesTables(with other: TenantSnapshot) -> Bool {
        self.tables === other.tables
    }

    /// Whether no other snapshot or reader holds these base tables: dropping this snapshot now frees them.
    package mutating func holdsItsTablesAlone() -> Bool {
        isKnownUniquelyReferenced(&self.tables)
    }

    /// Entries in the overlay (for tests of the folding).
    var overlayCount: Int { self.changedRecords.count + self.changedDomains.count }

    private func exactRecord(forKey key: String) -> TenantRecord? {
        if !self.changedRecords.isEmpty, let changed = self.changedRecords[key] { return changed }
        return self.recordsByKey[key]
    }

    private func holder(ofDomain domain: String) -> String? {
        if !self.changedDomains.isEmpty, let changed = self.changedDomains[domain] { return changed }
        return self.keysByDomain[domain]
    }

    private func mergedRecordsByKey() -> [String: TenantRecord] {
        guard !self.changedRecords.isEmpty else { return self.recordsByKey }
        var merged = self.recordsByKey
        for (key, record) in self.changedRecords {
            merged[key] = record
        }
        return merged
    }

    private func mergedKeysByDomain() -> [String: String] {
        guard !self.changedDomains.isEmpty else { return self.keysByDomain }
        var merged = self.keysByDomain
        for (domain, key) in self.changedDomains {
            merged[domain] = key
        }
        return merged
    }
}
