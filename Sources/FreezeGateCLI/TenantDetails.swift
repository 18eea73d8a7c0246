import Foundation
import Gateway
import Postgres

/// Everything `tenant status` shows: the state from `tenant_status_at`, the owner, domains and freezes.
struct TenantDetails: Sendable {
    var status: TenantStatus
    var ownerEmail: String
    var domains: [String]
    var freezes: [TenantFreezeRecord]
    /// The instant the status is judged at (`--at`, else the database's now), for "starts in N days".
    var at: Date

    static func fetch(_ connection: PostgresConnection, tenant: String, at: String?) async throws -> TenantDetails {
        let status = try await TenantStatus.fetchOne(connection, tenant: tenant, at: at)
        let owner = try await connection.query("SELECT owner_email FROM freezegate.tenants WHERE key = $1", [tenant])
        let domains = try await connection.query(
            "SELECT domain FROM freezegate.domains WHERE tenant = $1 ORDER BY domain",
            [tenant]
        )
        let freezes = try await connection.query(TenantFreezeRecord.query, [tenant])
        let at = try await connection.query("SELECT coalesce($1::timestamptz, now())", [at])
        return TenantDetails(
            status: status,
            ownerEmail: try owner.first?.decode(String.self, column: 0) ?? "",
            domains: try domains.map { try $0.decode(String.self, column: 0) },
            freezes: try freezes.map { try TenantFreezeRecord(row: $0) },
            at: try at.first?.decode(Date.self, column: 0) ?? Date()
        )
    }

    var jsonObject: [String: Any] {
        var object = status.jsonObject
        object["owner_email"] = ownerEmail
        object["domains"] = domains
        object["freezes"] = freezes.map(\.jsonObject)
        return object
    }

    var humanText: String {
        let fields: [(String, String)] = [
            ("tenant", status.tenant),
            ("state", status.state),
            ("frozen from", TenantOutput.instant(status.frozenFrom)),
            ("frozen until", TenantOutput.instant(status.frozenUntil)),
            ("paid until", TenantOutput.instant(status.paidUntil)),
            ("delete after", TenantOutput.instant(status.deleteAfter)),
            ("owner e-mail", ownerEmail),
            ("domains", domains.isEmpty ? "-" : domains.joined(separator: ", ")),
        ]
        var text = TenantOutput.fields(fields)
        if freezes.isEmpty {
            text += "freezes       -\n"
        } else {
            text += "freezes\n"
            text += TenantOutput.table(
                header: TenantFreezeRecord.tableHeader,
                rows: freezes.map { $0.tableRow(at: at) },
                indent: "  "
            )
        }
        return text
    }
}
