import ArgumentParser
import Foundation
import Gateway

/// `freezegate tenant requests [TENANT]`: the freeze requests received by e-mail and their outcomes.
struct TenantRequestsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "requests",
        abstract: "List freeze requests received by e-mail (freezegate intake mail) and their outcomes.",
        discussion: """
            Without TENANT every request is listed, also those no tenant could be found for (unverified, \
            unreadable). OUTCOME is accepted (the freeze id), refused (the rule's SQLSTATE), unreadable or \
            unverified.
            """
    )

    @OptionGroup var connection: TenantConnectionOptions
    /// Taken, as by every tenant subcommand, and ignored: requests are listed as received.
    @OptionGroup var instant: TenantInstantOption

    @Argument(help: "Only the requests judged for this tenant key.")
    var tenant: String?

    func run() async throws {
        try await TenantSession.run(connection) { database in
            let rows = try await database.query(MailRequestRow.query, [tenant]).map { try MailRequestRow(row: $0) }
            if connection.json {
                TenantOutput.printJSON(rows.map(\.jsonObject))
            } else {
                TenantOutput.printText(
                    TenantOutput.table(header: MailRequestRow.tableHeader, rows: rows.map(\.tableRow))
                )
            }
        }
    }
}
