import Foundation
import Postgres
import TenantModel

/// The two snapshot queries (`snapshot_tenants`, last defined in `sql/0009_tenant_time_zone.sql`), decoded into records.
///
/// Both take the instant `at` from which on the records must be able to answer: freezes that ended
/// before it are left out by the SQL. The parameters are cast because the untyped call is ambiguous
/// between the two overloads.
public enum TenantSnapshotQuery {
    static let allSQL = "SELECT * FROM freezegate.snapshot_tenants($1::timestamptz)"
    static let byKeysSQL = "SELECT * FROM freezegate.snapshot_tenants($1::text[], $2::timestamptz)"

    /// Every tenant.
    public static func all(on connection: PostgresConnection, at instant: Date) async throws -> [TenantRecord] {
        let rows = try await connection.query(allSQL, [instant])
        return try records(from: rows)
    }

    /// Every tenant, fetched through a cursor `batchSize` rows at a time and handed to `body` batch by
    /// batch, so that the client never holds the whole result at once (a million rows of text and
    /// libpq's bookkeeping were several hundred MiB beside the snapshot being built). The cursor reads
    /// from the statement snapshot of its `DECLARE`, like the single query. `pace` is called after
    /// each row decoded.
    public static func all(
        on connection: PostgresConnection,
        at instant: Date,
        batchSize: Int,
        pacing pace: () -> Void = {},
        eachBatch body: ([TenantRecord]) throws -> Void
    ) async throws {
        try await connection.transaction { connection in
            try await connection.query(
                "DECLARE freezegate_snapshot NO SCROLL CURSOR FOR \(allSQL)",
                [instant]
            )
            while true {
                let rows = try await connection.query("FETCH \(max(1, batchSize)) FROM freezegate_snapshot")
                if rows.isEmpty { break }
                try body(try records(from: rows, pacing: pace))
            }
        }
    }

    /// The tenants among `keys` that exist; a key without a record is a tenant that does not exist (any more).
    public static func some(
        _ keys: [String],
        on connection: PostgresConnection,
        at instant: Date
    ) async throws -> [TenantRecord] {
        guard !keys.isEmpty else { return [] }
        let rows = try await connection.query(byKeysSQL, [keys, instant])
        return try records(from: rows)
    }

    /// `pace` is called after each row (a full load gives the CPU away there, see `CPUYieldPacer`).
    static func records(from rows: PostgresRows, pacing pace: () -> Void = {}) throws -> [TenantRecord] {
        guard !rows.isEmpty else { return [] }
        let columns = try SnapshotColumns(rows.columns)
        var records: [TenantRecord] = []
        records.reserveCapacity(rows.count)
        for row in rows {
            records.append(try columns.record(from: row))
            pace()
        }
        return records
    }
}

/// Where each column of `snapshot_tenants` is, resolved once per result by name.
private struct SnapshotColumns {
    let tenant: Int
    let paidFrom: Int
    let paidUntil: Int
    let domains: Int
    let freezeIDs: Int
    let freezeStarts: Int
    let freezeEnds: Int
    /// Present from migration 0008 on.
    let upstreamGroup: Int?
    /// Present from migration 0009 on.
    let timeZone: Int?
    let expiresAt: Int?
    let deleteAfter: Int?

    init(_ columns: [PostgresColumn]) throws {
        func index(_ name: String) throws -> Int {
            guard let index = columns.firstIndex(where: { $0.name == name }) else {
                throw PostgresError(kind: .usage, message: "snapshot_tenants returned no column \"\(name)\"")
            }
            return index
        }
        self.tenant = try index("tenant")
        self.paidFrom = try index("paid_from")
        self.paidUntil = try index("paid_until")
        self.domains = try index("domains")
        self.freezeIDs = try index("freeze_ids")
        self.freezeStarts = try index("freeze_starts")
        self.freezeEnds = try index("freeze_ends")
        self.upstreamGroup = columns.firstIndex(where: { $0.name == "upstream_group" })
        self.timeZone = columns.firstIndex(where: { $0.name == "time_zone" })
        self.expiresAt = columns.firstIndex(where: { $0.name == "expires_at" })
        self.deleteAfter = columns.firstIndex(where: { $0.name == "delete_after" })
    }

    func record(from row: PostgresRow) throws -> TenantRecord {
        let key = try row.decode(String.self, column: self.tenant)
        let ids = try row.decode([Int64].self, column: self.freezeIDs)
        let starts = try row.decode([Date].self, column: self.freezeStarts)
        let ends = try row.decode([Date].self, column: self.freezeEnds)
        guard ids.count == starts.count, ids.count == ends.count else {
            throw PostgresError(
                kind: .decoding,
                message:
                    "snapshot_tenants: tenant \(key) has \(ids.count) freeze ids, \(starts.count) starts, \(ends.count) ends"
            )
        }
        var freezes: [FreezeWindow] = []
        freezes.reserveCapacity(ids.count)
        for index in ids.indices {
            freezes.append(FreezeWindow(id: ids[index], start: starts[index], end: ends[index]))
        }
        return TenantRecord(
            key: key,
            paidFrom: try row.decode(Date?.self, column: self.paidFrom),
            paidUntil: try row.decode(Date.self, column: self.paidUntil),
            domains: try row.decode([String].self, column: self.domains),
            freezes: freezes,
            upstreamGroup: try self.upstreamGroup.flatMap { try row.decode(String?.self, column: $0) },
            timeZone: try self.timeZone.flatMap { try row.decode(String?.self, column: $0) },
            expiresAt: try self.expiresAt.flatMap { try row.decode(Date?.self, column: $0) },
            deleteAfter: try self.deleteAfter.flatMap { try row.decode(Date?.self, column: $0) }
        )
    }
}
