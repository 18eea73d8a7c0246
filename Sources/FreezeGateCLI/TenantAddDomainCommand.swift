import ArgumentParser
import Gateway

/// `freezegate tenant add-domain TENANT DOMAIN`: `freezegate.add_domain` (a custom domain of the tenant).
struct TenantAddDomainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add-domain",
        abstract: "Register a custom domain for a tenant (freezegate.add_domain)."
    )

    @OptionGroup var connection: TenantConnectionOptions
    @OptionGroup var instant: TenantInstantOption

    @Argument(help: "The tenant key.")
    var tenant: String

    @Argument(help: "The domain, e.g. crm.acme-school.example.")
    var domain: String

    func run() async throws {
        try await TenantSession.run(connection) { database in
            try await database.query(
                "SELECT freezegate.add_domain($1, $2, coalesce($3::timestamptz, now()))",
                [tenant, domain, instant.at]
            )
            let details = try await TenantDetails.fetch(database, tenant: tenant, at: instant.at)
            TenantOperationReport(
                operation: "add_domain",
                summary: "added domain \(domain) to \(tenant)",
                freezeID: nil,
                details: details
            ).print(json: connection.json)
        }
    }
}
