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
}
