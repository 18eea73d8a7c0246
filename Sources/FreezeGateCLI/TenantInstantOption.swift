import ArgumentParser
import Gateway

/// `--at TIME`: the moment an operation is judged at (the SQL functions' `at`); now when absent.
struct TenantInstantOption: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Judge the operation at this instant instead of now (any PostgreSQL timestamptz, e.g. 2027-07-01T09:00:00Z; UTC unless it says otherwise).",
            valueName: "time"
        )
    )
    var at: String?
}
