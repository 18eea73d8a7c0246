import ArgumentParser
import Gateway

/// `freezegate tenant unfreeze TENANT`: `freezegate.unfreeze` (ends the running freeze).
struct TenantUnfreezeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unfreeze",
        abstract: "End the tenant's running freeze now (freezegate.unfreeze); before 30 days it keeps no paid time."
    )

    @OptionGroup var connection: TenantConnectionOptions
    @OptionGroup var instant: TenantInstantOption

    @Argument(help: "The tenant key.")
    var tenant: String

    func run() async throws {
        try await TenantSession.run(connection) { database in
            try await database.query(
                "SELECT freezegate.unfreeze($1, coalesce($2::timestamptz, now()))",
                [tenant, instant.at]
            )
            let details = try await TenantDetails.fetch(database, tenant: tenant, at: instant.at)
            TenantOperationReport(operation: "unfreeze", summary: "unfroze \(tenant)", freezeID: nil, details: details)
                .print(json: connection.json)
        }
    }
}
