import ArgumentParser
import Gateway
import Postgres

/// `freezegate tenant freeze`: `freezegate.request_freeze` (the owner's request, rules 1–6) or, with
/// `--force --reason`, `freezegate.force_freeze` (support override, rule 6 only).
struct TenantFreezeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "freeze",
        abstract: "Freeze a tenant: request_freeze (--requested-by) or force_freeze (--force --reason).",
        discussion: """
            A request is judged by the freeze rules (owner e-mail, at least 30 days, at most 90 days a calendar \
            year, paid days, a paid month when expired, no overlap, no start in the past). --force skips rules \
            1-5 for support staff and records the reason.
            """
    )

    @OptionGroup var connection: TenantConnectionOptions
    @OptionGroup var instant: TenantInstantOption

    @Argument(help: "The tenant key.")
    var tenant: String

    @Option(
        help: ArgumentHelp(
            "Start of the freeze, e.g. 2027-06-01 or 2027-06-01T00:00:00Z (UTC unless it says otherwise).",
            valueName: "time"
        )
    )
    var from: String

    @Option(help: ArgumentHelp("End of the freeze (exclusive), e.g. 2027-07-01T00:00:00Z.", valueName: "time"))
    var until: String

    @Option(help: "The e-mail the request comes from (must be the tenant's owner e-mail).")
    var requestedBy: String?

    @Flag(help: "Pay one month together with the freeze (needed when the subscription is over).")
    var payOneMonth = false

    @Flag(help: "Support override (force_freeze): skips rules 1-5, never rule 6; needs --reason.")
    var force = false

    @Option(help: "Why the freeze is forced (recorded).")
    var reason: String?

    func validate() throws {
        if force {
            guard reason != nil else { throw ValidationError("--force needs --reason") }
            guard requestedBy == nil, !payOneMonth else {
                throw ValidationError("--force cannot be combined with --requested-by or --pay-one-month")
            }
        } else {
            guard requestedBy != nil else {
                throw ValidationError("missing --requested-by (or --force --reason for a support override)")
            }
            guard reason == nil else { throw ValidationError("--reason is only for --force") }
        }
    }

    func run() async throws {
        try await TenantSession.run(connection) { database in
            let rows: PostgresRows
            if force {
                rows = try await database.query(
                    """
                    SELECT freezegate.force_freeze($1, $2::timestamptz, $3::timestamptz, $4,
                                                   coalesce($5::timestamptz, now()))
                    """,
                    [tenant, from, until, reason, instant.at]
                )
            } else {
                rows = try await database.query(
                    """
                    SELECT freezegate.request_freeze($1, $2::timestamptz, $3::timestamptz, $4, $5::boolean,
                                                     coalesce($6::timestamptz, now()))
                    """,
                    [tenant, from, until, requestedBy, payOneMonth, instant.at]
                )
            }
            let id = try rows.first?.decode(Int64.self, column: 0)
            let details = try await TenantDetails.fetch(database, tenant: tenant, at: instant.at)
            let freeze = details.freezes.first { $0.id == id }
            // "…; starts in 151 days" for a planned freeze, "…; running, ends in 30 days" for one from now.
            let window =
                freeze.map {
                    " from \(TenantOutput.instant($0.startsAt)) until \(TenantOutput.instant($0.endsAt))"
                        + " (freeze \($0.id)), \($0.timing(at: details.at))"
                } ?? " (freeze \(id.map(String.init) ?? "?"))"
            TenantOperationReport(
                operation: force ? "force_freeze" : "request_freeze",
                summary: "\(force ? "force-froze" : "froze") \(tenant)\(window)",
                freezeID: id,
                details: details
            ).print(json: connection.json)
        }
    }
}
