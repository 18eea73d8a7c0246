import ArgumentParser
import Gateway

/// The options every `freezegate tenant` subcommand shares.
struct TenantConnectionOptions: ParsableArguments {
    @Option(
        name: .customLong("database-url"),
        help: "libpq URI or key=value string (default: $FREEZEGATE_DATABASE_URL, else $DATABASE_URL)."
    )
    var databaseURL: String?

    @Option(name: .customLong("connect-timeout"), help: "Seconds to wait for the database before giving up.")
    var connectTimeout: Int = 10

    @Flag(help: "Print JSON (stable keys, instants in UTC ISO 8601) instead of a table.")
    var json = false
}
