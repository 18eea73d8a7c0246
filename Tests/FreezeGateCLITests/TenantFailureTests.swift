import ArgumentParser
import Postgres
import Testing

@testable import FreezeGateCLI

/// The exit code a failure maps to (documented in docs/OPERATIONS.md), without a database.
@Suite("TenantFailure")
struct TenantFailureTests {
    @Test(arguments: [
        ("FG001", TenantFailure.Kind.ruleViolation),
        ("FG007", .ruleViolation),
        ("FG012", .ruleViolation),
        ("FG014", .ruleViolation),
        ("FG015", .ruleViolation),
        ("FG010", .notFound),
        ("FG011", .notFound),
        ("22007", .other),
        ("42501", .other),
    ])
    func sqlStatesMapToExitCodes(sqlState: String, kind: TenantFailure.Kind) {
        let failure = TenantFailure(PostgresError(kind: .query, sqlState: sqlState, message: "m", hint: "h"))
        #expect(failure.kind == kind)
        #expect(failure.sqlState == sqlState)
    }

    @Test func connectionFailuresAreUnreachable() {
        for kind in [PostgresError.Kind.connectionFailed, .connectionLost] {
            let failure = TenantFailure(PostgresError(kind: kind, sqlState: "08001", message: "refused\n"))
            #expect(failure.kind == .databaseUnreachable)
            #expect(failure.kind.rawValue == 4)
        }
    }

    @Test func aWriteRefusedByAReadOnlyStandbyIsDatabaseUnavailable() {
        let failure = TenantFailure(
            PostgresError(
                kind: .query,
                sqlState: "25006",
                message: "cannot execute SELECT FOR UPDATE in a read-only transaction"
            )
        )
        #expect(failure.kind == .databaseUnreachable)
        #expect(failure.kind.rawValue == 4)
        #expect(
            failure.humanText.hasPrefix(
                "error: the database server is a read-only standby, not the primary: cannot execute SELECT FOR UPDATE in a read-only transaction (SQLSTATE 25006)\n"
            )
        )
        #expect(failure.hint?.contains("target_session_attrs=read-write") == true)
    }

    @Test func theTextNamesTheRuleItsSQLStateAndTheHint() {
        let failure = TenantFailure(
            PostgresError(
                kind: .query,
                sqlState: "FG002",
                message: "rule 2: a freeze must last at least 30 days; requested 19 days",
                hint: "Ask for 30 days or more."
            )
        )
        #expect(
            failure.humanText
                == "error: rule 2: a freeze must last at least 30 days (SQLSTATE FG002)\n"
                + "reason: requested 19 days\n"
                + "hint: Ask for 30 days or more.\n"
        )
        let error = failure.jsonObject["error"] as? [String: Any]
        #expect(error?["exit_code"] as? Int == 2)
        #expect(error?["sqlstate"] as? String == "FG002")
    }

    @Test func exitCodesAreTheDocumentedOnes() {
        #expect(TenantFailure.Kind.other.rawValue == 1)
        #expect(TenantFailure.Kind.ruleViolation.rawValue == 2)
        #expect(TenantFailure.Kind.notFound.rawValue == 3)
        #expect(TenantFailure.Kind.databaseUnreachable.rawValue == 4)
    }
}
