import ArgumentParser
import Foundation
import Gateway

/// `freezegate tenant list`: every tenant's state from `freezegate.tenant_status_at`.
struct TenantListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List tenants with their state, freeze, paid period and deletion date."
    )

    /// The states `tenant_status` reports.
    enum State: String, ExpressibleByArgument, CaseIterable {
        case active, frozen, expired
    }

    @OptionGroup var connection: TenantConnectionOptions
    @OptionGroup var instant: TenantInstantOption

    @Option(help: "Only tenants in this state (active, frozen, expired).")
    var state: State?

    @Flag(help: "Only expired tenants whose delete_after has passed (due for removal).")
    var dueForDeletion = false

    func run() async throws {
        try await TenantSession.run(connection) { database in
            let rows = try await TenantStatus.fetch(
                database,
                at: instant.at,
                state: state?.rawValue,
                dueForDeletion: dueForDeletion
            )
            if rows.count > 1000 {
                TenantOutput.progress("\(rows.count) tenants")
            }
            if connection.json {
                TenantOutput.printJSON(rows.map(\.jsonObject))
            } else {
                TenantOutput.printText(TenantOutput.table(header: TenantStatus.tableHeader, rows: rows.map(\.tableRow)))
            }
        }
    }
}
