import ArgumentParser
import Gateway

/// `freezegate tenant cancel FREEZE_ID`: `freezegate.cancel_freeze` (a freeze that has not started).
struct TenantCancelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel",
        abstract: "Cancel a planned freeze that has not started (freezegate.cancel_freeze); ids: tenant status."
    )

    @OptionGroup var connection: TenantConnectionOptions
    @OptionGroup var instant: TenantInstantOption

    @Argument(help: "The freeze id, as `freezegate tenant status TENANT` lists it.")
    var freezeID: Int64

    func run() async throws {
        try await TenantSession.run(connection) { database in
            try await database.query(
                "SELECT freezegate.cancel_freeze($1::bigint, coalesce($2::timestamptz, now()))",
                [freezeID, instant.at]
            )
            let owner = try await database.query(
                "SELECT tenant FROM freezegate.freezes WHERE id = $1::bigint",
                [freezeID]
            )
            guard let tenant = try owner.first?.decode(String.self, column: 0) else {
                throw TenantFailure(kind: .notFound, message: "unknown freeze \(freezeID)", sqlState: "FG011")
            }
            let details = try await TenantDetails.fetch(database, tenant: tenant, at: instant.at)
            TenantOperationReport(
                operation: "cancel_freeze",
                summary: "cancelled freeze \(freezeID) of \(tenant)",
                freezeID: freezeID,
                details: details
            ).print(json: connection.json)
        }
    }
}
