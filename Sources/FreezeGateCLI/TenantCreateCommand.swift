import ArgumentParser
import Gateway

/// `freezegate tenant create`: `freezegate.create_tenant`.
struct TenantCreateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create a tenant (freezegate.create_tenant)."
    )

    @OptionGroup var connection: TenantConnectionOptions
    @OptionGroup var instant: TenantInstantOption

    @Argument(help: "The tenant key: a DNS label (lower-case letters, digits, '-'), e.g. acme.")
    var tenant: String

    @Option(help: "The main administrator's e-mail (freeze requests must come from it).")
    var ownerEmail: String

    @Option(
        help: ArgumentHelp(
            "End of the paid period, e.g. 2027-09-01 or 2027-09-01T00:00:00Z (UTC unless it says otherwise).",
            valueName: "time"
        )
    )
    var paidUntil: String

    func run() async throws {
        try await TenantSession.run(connection) { database in
            try await database.query(
                "SELECT freezegate.create_tenant($1, $2, $3::timestamptz, coalesce($4::timestamptz, now()))",
                [tenant, ownerEmail, paidUntil, instant.at]
            )
            let details = try await TenantDetails.fetch(database, tenant: tenant, at: instant.at)
            TenantOperationReport(
                operation: "create",
                summary: "created tenant \(tenant)",
                freezeID: nil,
                details: details
            ).print(json: connection.json)
        }
    }
}
