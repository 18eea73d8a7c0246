import Foundation
import TenantModel
import TestSupport

/// Tenants `t<n>` for every n in `keys`, all paid until 2030, loaded at 2029-01-01: distinct base
/// tables for each call, to see which snapshot is freed where.
func numberedSnapshot(_ keys: ClosedRange<Int>) -> TenantSnapshot {
    TenantSnapshot(
        records: keys.map { TenantRecord(key: "t\($0)", paidUntil: utc("2030-01-01T00:00:00Z")) },
        loadedAt: utc("2029-01-01T00:00:00Z")
    )
}
