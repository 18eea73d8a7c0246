import Foundation
import Postgres
import TestSupport
import Testing

/// One scenario against a fresh, migrated database: a connection plus the helpers the scenario
/// tests share. Instants travel as ISO 8601 text (cast to timestamptz in SQL) and come back as
/// ISO 8601 text, so that every expectation reads like the rule it checks.
struct SQLScenario {
    let url: String
    let connection: PostgresConnection

    static func start() async throws -> SQLScenario {
        let url = try await TestPostgres.shared.makeMigratedDatabase()
        return SQLScenario(url: url, connection: try await PostgresConnection.connect(url))
    }

    /// Another connection to the same database (for races and listeners).
    func connect() async throws -> PostgresConnection {
        try await PostgresConnection.connect(url)
    }

    @discardableResult
    func query(_ sql: String, _ parameters: [String?] = []) async throws -> PostgresRows {
        try await connection.query(sql, parameters.map { $0 as any PostgresEncodable })
    }

    /// The first column of the first row as text (NULL → nil).
    func text(_ sql: String, _ parameters: [String?] = []) async throws -> String? {
        let rows = try await query(sql, parameters)
        return try rows.first?.decode(String?.self, column: 0) ?? nil
    }

    /// Runs the statement, expects it to fail with the SQLSTATE; returns the error message.
    @discardableResult
    func expectFailure(
        _ sqlState: String,
        _ sql: String,
        _ parameters: [String?] = [],
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> String {
        do {
            try await query(sql, parameters)
        } catch let error as PostgresError {
            #expect(error.sqlState == sqlState, "\(error)", sourceLocation: sourceLocation)
            return error.message
        }
        Issue.record(
            "expected SQLSTATE \(sqlState), but the statement succeeded: \(sql)",
            sourceLocation: sourceLocation
        )
        return ""
    }

    // MARK: - The public SQL functions

    func createTenant(_ tenant: String, owner: String, paidUntil: String, at: String) async throws {
        try await query(
            "SELECT freezegate.create_tenant($1, $2, $3::timestamptz, $4::timestamptz)",
            [tenant, owner, paidUntil, at]
        )
    }

    @discardableResult
    func requestFreeze(
        _ tenant: String,
        from start: String,
        to end: String,
        by requester: String,
        payOneMonth: Bool = false,
        at: String
    ) async throws -> Int64 {
        let rows = try await query(
            "SELECT freezegate.request_freeze($1, $2::timestamptz, $3::timestamptz, $4, $5::boolean, $6::timestamptz)",
            [tenant, start, end, requester, payOneMonth ? "true" : "false", at]
        )
        return try rows[0].decode(Int64.self, column: 0)
    }

    @discardableResult
    func forceFreeze(
        _ tenant: String,
        from start: String,
        to end: String,
        reason: String,
        at: String
    )
        async throws -> Int64
    {
        let rows = try await query(
            "SELECT freezegate.force_freeze($1, $2::timestamptz, $3::timestamptz, $4, $5::timestamptz)",
            [tenant, start, end, reason, at]
        )
        return try rows[0].decode(Int64.self, column: 0)
    }

    func unfreeze(_ tenant: String, at: String) async throws {
        try await query("SELECT freezegate.unfreeze($1, $2::timestamptz)", [tenant, at])
    }

    func cancelFreeze(_ id: Int64, at: String) async throws {
        try await query("SELECT freezegate.cancel_freeze($1::bigint, $2::timestamptz)", [String(id), at])
    }

    func recordPayment(_ tenant: String, days: Int, at: String) async throws {
        try await query(
            "SELECT freezegate.record_payment($1, $2::integer, $3::timestamptz)",
            [tenant, String(days), at]
        )
    }

    // MARK: - Reading state back

    /// An instant as the tests write it: ISO 8601 in UTC, seconds precision.
    static let isoUTC = "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'"

    func paidUntil(_ tenant: String) async throws -> String? {
        try await text(
            "SELECT to_char(paid_until AT TIME ZONE 'UTC', \(Self.isoUTC)) FROM freezegate.tenants WHERE key = $1",
            [tenant]
        )
    }

    func paidFrom(_ tenant: String) async throws -> String? {
        try await text(
            "SELECT to_char(paid_from AT TIME ZONE 'UTC', \(Self.isoUTC)) FROM freezegate.tenants WHERE key = $1",
            [tenant]
        )
    }

    func state(_ tenant: String, at: String) async throws -> String? {
        try await text(
            "SELECT state FROM freezegate.tenant_status_at($2::timestamptz) WHERE tenant = $1",
            [tenant, at]
        )
    }

    /// `tenant_status_at(at)` of one tenant as "state frozen_from frozen_until paid_until delete_after".
    func status(_ tenant: String, at: String) async throws -> String? {
        try await text(
            """
            SELECT concat_ws(' ', state,
                coalesce(to_char(frozen_from AT TIME ZONE 'UTC', \(Self.isoUTC)), '-'),
                coalesce(to_char(frozen_until AT TIME ZONE 'UTC', \(Self.isoUTC)), '-'),
                to_char(paid_until AT TIME ZONE 'UTC', \(Self.isoUTC)),
                coalesce(to_char(delete_after AT TIME ZONE 'UTC', \(Self.isoUTC)), '-'))
            FROM freezegate.tenant_status_at($2::timestamptz) WHERE tenant = $1
            """,
            [tenant, at]
        )
    }

    /// Every row of every freezegate table (audit log included), to compare before/after a call.
    func dump() async throws -> String {
        try await text(
            """
            SELECT concat_ws(E'\\n',
                (SELECT string_agg(to_jsonb(t)::text, E'\\n' ORDER BY t.key) FROM freezegate.tenants t),
                (SELECT string_agg(to_jsonb(d)::text, E'\\n' ORDER BY d.domain) FROM freezegate.domains d),
                (SELECT string_agg(to_jsonb(f)::text, E'\\n' ORDER BY f.id) FROM freezegate.freezes f),
                (SELECT string_agg(to_jsonb(p)::text, E'\\n' ORDER BY p.id) FROM freezegate.payments p),
                (SELECT string_agg(to_jsonb(a)::text, E'\\n' ORDER BY a.id) FROM freezegate.audit_log a))
            """
        ) ?? ""
    }
}

/// `base` plus a duration, as ISO 8601 UTC text: `instant("2031-01-01T00:00:00Z", days: 30, seconds: -1)`.
func instant(_ base: String, days: Int = 0, seconds: Int = 0) -> String {
    // Test constants only: a malformed one is a bug in the test itself.
    let parsed = try! Date(base, strategy: .iso8601)
    let moved = parsed.addingTimeInterval(TimeInterval(days * 86_400 + seconds))
    return moved.formatted(.iso8601)
}
