import ArgumentParser
import Gateway

/// `freezegate tenant status TENANT`: one tenant's state, owner, domains and freezes.
struct TenantStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show one tenant: state, paid period, owner e-mail, domains and freezes (with their ids)."
    )

    @OptionGroup var connection: TenantConnectionOptions
    @OptionGroup var instant: TenantInstantOption

    @Argument(help: "The tenant key (the subdomain, e.g. acme).")
    var tenant: String

    func run() async throws {
        try await TenantSession.run(connection) { database in
            let details = try await TenantDetails.fetch(database, tenant: tenant, at: instant.at)
            TenantOperationReport(operation: "status", summary: nil, freezeID: nil, details: details)
                .print(json: connection.json)
        }
    }
}
