import ArgumentParser
import Gateway

/// `freezegate tenant pay TENANT --days N`: `freezegate.record_payment`.
struct TenantPayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pay",
        abstract: "Record a payment of N days (freezegate.record_payment); starts a new period if it was over."
    )

    @OptionGroup var connection: TenantConnectionOptions
    @OptionGroup var instant: TenantInstantOption

    @Argument(help: "The tenant key.")
    var tenant: String

    @Option(help: "Paid days (a month is 30).")
    var days: Int

    func run() async throws {
        try await TenantSession.run(connection) { database in
            try await database.query(
                "SELECT freezegate.record_payment($1, $2::integer, coalesce($3::timestamptz, now()))",
                [tenant, days, instant.at]
            )
            let details = try await TenantDetails.fetch(database, tenant: tenant, at: instant.at)
            TenantOperationReport(
                operation: "record_payment",
                summary: "recorded \(days) paid days for \(tenant)",
                freezeID: nil,
                details: details
            ).print(json: connection.json)
        }
    }
}
