import Foundation

/// An immutable picture of all tenants, looked up on every request without a lock.
///
/// The cache swaps whole snapshots; a notification about a few tenants builds a new snapshot with
/// `applying(upserts:removals:loadedAt:)` instead of reloading everything.
public struct TenantSnapshot: Sendable {
    private let recordsByKey: [String: TenantRecord]
    private let keysByDomain: [String: String]
    /// When the data of this snapshot was read from PostgreSQL (for staleness checks and metrics).
    public let loadedAt: Date

    public init(records: [TenantRecord], loadedAt: Date) {
        var byKey: [String: TenantRecord] = [:]
        byKey.reserveCapacity(records.count)
        for record in records {
            byKey[record.key] = record
        }
        self.init(recordsByKey: byKey, loadedAt: loadedAt)
    }

    private init(recordsByKey: [String: TenantRecord], loadedAt: Date) {
        var byDomain: [String: String] = [:]
        // Deterministic when two tenants claim one domain (the SQL forbids it): the smaller key wins.
        for key in recordsByKey.keys.sorted() {
            guard let record = recordsByKey[key] else { continue }
            for domain in record.domains where byDomain[domain] == nil {
                byDomain[domain] = key
            }
        }
        self.recordsByKey = recordsByKey
        self.keysByDomain = byDomain
        self.loadedAt = loadedAt
    }

    private init(recordsByKey: [String: TenantRecord], keysByDomain: [String: String], loadedAt: Date) {
        self.recordsByKey = recordsByKey
        self.keysByDomain = keysByDomain
        self.loadedAt = loadedAt
    }

    /// The number of tenants.
    public var count: Int { self.recordsByKey.count }

    /// All records, in no particular order.
    public var records: Dictionary<String, TenantRecord>.Values { self.recordsByKey.values }

    /// The tenant with this key (keys are compared lower-cased).
    public func record(forKey key: String) -> TenantRecord? {
        if let record = self.recordsByKey[key] { return record }
        let lowered = key.lowercased()
        return lowered == key ? nil : self.recordsByKey[lowered]
    }

    /// The tenant that registered this custom domain (case, trailing dot and IDN form ignored).
    public func record(forDomain domain: String) -> TenantRecord? {
        guard let key = self.keysByDomain[DomainName.normalized(domain)] else { return nil }
        return self.recordsByKey[key]
    }

    /// A new snapshot with `upserts` replacing (or adding) their tenants and `removals` deleted.
    /// A changed tenant's old domains disappear with its old record.
    public func applying(upserts: [TenantRecord], removals: Set<String>, loadedAt: Date) -> TenantSnapshot {
        var byKey = self.recordsByKey
        for key in removals {
            byKey[key] = nil
        }
        for record in upserts {
            byKey[record.key] = record
        }
        return TenantSnapshot(recordsByKey: byKey, loadedAt: loadedAt)
    }

    /// The same tenants with another `loadedAt`, in constant time (the indexes are shared, not
    /// rebuilt): how the live state marks a snapshot it still knows to be in sync with the database.
    public func stamped(loadedAt: Date) -> TenantSnapshot {
        TenantSnapshot(recordsByKey: self.recordsByKey, keysByDomain: self.keysByDomain, loadedAt: loadedAt)
    }

    /// The result of `applying(upserts:removals:loadedAt:)` in time proportional to the change rather
    /// than to the number of tenants, so that a notification about one tenant does not re-index
    /// 100,000. Identical to `applying` whenever no two tenants claim one domain (the SQL forbids it);
    /// where they do, a domain keeps the smaller key among the claimants it has seen, and a domain
    /// freed by its holder is not handed to another claimant until that claimant itself changes.
    public func applyingIncrementally(upserts: [TenantRecord], removals: Set<String>, loadedAt: Date) -> TenantSnapshot
    {
        var byKey = self.recordsByKey
        var byDomain = self.keysByDomain
        func unindex(_ record: TenantRecord) {
            for domain in record.domains where byDomain[domain] == record.key {
                byDomain[domain] = nil
            }
        }
        for key in removals {
            if let old = byKey.removeValue(forKey: key) { unindex(old) }
        }
        for record in upserts {
            if let old = byKey.updateValue(record, forKey: record.key) { unindex(old) }
        }
        for record in upserts where byKey[record.key] == record {
            for domain in record.domains {
                if let holder = byDomain[domain], holder <= record.key { continue }
                byDomain[domain] = record.key
            }
        }
        return TenantSnapshot(recordsByKey: byKey, keysByDomain: byDomain, loadedAt: loadedAt)
    }
}
