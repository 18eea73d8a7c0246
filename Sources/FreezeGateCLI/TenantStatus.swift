import Foundation
import Gateway
import Postgres

/// One row of `freezegate.tenant_status_at(at)`.
struct TenantStatus: Sendable {
    var tenant: String
    var state: String
    var frozenFrom: Date?
    var frozenUntil: Date?
    var paidUntil: Date
    var deleteAfter: Date?

    /// `$1` the instant (NULL: now), `$2` a state or NULL, `$3` only tenants due for deletion, `$4` one key or NULL.
    static let query = """
        SELECT tenant, state, frozen_from, frozen_until, paid_until, delete_after
          FROM freezegate.tenant_status_at(coalesce($1::timestamptz, now()))
         WHERE ($2::text IS NULL OR state = $2::text)
           AND (NOT $3::boolean OR (state = 'expired' AND delete_after <= coalesce($1::timestamptz, now())))
           AND ($4::text IS NULL OR tenant = $4::text)
         ORDER BY tenant
        """

    init(row: PostgresRow) throws {
        self.tenant = try row.decode(String.self, column: 0)
        self.state = try row.decode(String.self, column: 1)
        self.frozenFrom = try row.decode(Date?.self, column: 2)
        self.frozenUntil = try row.decode(Date?.self, column: 3)
        self.paidUntil = try row.decode(Date.self, column: 4)
        self.deleteAfter = try row.decode(Date?.self, column: 5)
    }

    /// The status of every tenant matching the filters, at `at` (now when nil).
    static func fetch(
        _ connection: PostgresConnection,
        at: String?,
        state: String? = nil,
        dueForDeletion: Bool = false,
        tenant: String? = nil
    ) async throws -> [TenantStatus] {
        try await connection.query(query, [at, state, dueForDeletion, tenant]).map { try TenantStatus(row: $0) }
    }

    /// The status of one tenant; an unknown key fails with exit code 3.
    static func fetchOne(_ connection: PostgresConnection, tenant: String, at: String?) async throws -> TenantStatus {
        guard let status = try await fetch(connection, at: at, tenant: tenant).first else {
            throw TenantFailure(
                kind: .notFound,
                message: "unknown tenant '\(tenant)'",
                hint: "List the tenants with: freezegate tenant list",
                sqlState: "FG010"
            )
        }
        return status
    }

    var jsonObject: [String: Any] {
        [
            "tenant": tenant,
            "state": state,
            "frozen_from": TenantOutput.jsonInstant(frozenFrom),
            "frozen_until": TenantOutput.jsonInstant(frozenUntil),
            "paid_until": TenantOutput.jsonInstant(paidUntil),
            "delete_after": TenantOutput.jsonInstant(deleteAfter),
        ]
    }

    var tableRow: [String] {
        [
            tenant, state, TenantOutput.instant(frozenFrom), TenantOutput.instant(frozenUntil),
            TenantOutput.instant(paidUntil), TenantOutput.instant(deleteAfter),
        ]
    }

    static let tableHeader = ["TENANT", "STATE", "FROZEN FROM", "FROZEN UNTIL", "PAID UNTIL", "DELETE AFTER"]
}
