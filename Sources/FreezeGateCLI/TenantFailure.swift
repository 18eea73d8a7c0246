import ArgumentParser
import Foundation
import Gateway
import Postgres

/// An error of a `freezegate tenant` subcommand, with the exit code that tells scripts what went wrong.
struct TenantFailure: Error {
    /// What went wrong, as the exit code documents it.
    enum Kind: Int32 {
        case other = 1
        case ruleViolation = 2
        case notFound = 3
        case databaseUnreachable = 4
    }

    var kind: Kind
    var message: String
    var hint: String?
    var sqlState: String?

    init(kind: Kind, message: String, hint: String? = nil, sqlState: String? = nil) {
        self.kind = kind
        self.message = message
        self.hint = hint
        self.sqlState = sqlState
    }

    /// The first words of the message for SQLSTATE 25006, shared by `migrate` and `intake mail`.
    static let readOnlyServerCause = "the database server is a read-only standby, not the primary"
    static let readOnlyServerHint =
        "Point --database-url at the primary, or list every host (host=db1,db2 or postgresql://db1,db2/…): several hosts get target_session_attrs=read-write."

    /// Classifies any error: connection failures and a read-only standby (SQLSTATE 25006) → 4, FG010/FG011 → 3, other `FG` SQLSTATEs → 2, else 1.
    init(_ error: any Error) {
        if let failure = error as? TenantFailure {
            self = failure
            return
        }
        guard let error = error as? PostgresError else {
            self.init(kind: .other, message: "\(error)")
            return
        }
        if error.isConnectionError {
            let verb = error.kind == .connectionLost ? "lost the connection to" : "cannot connect to"
            self.init(kind: .databaseUnreachable, message: "\(verb) the database: \(Self.oneLine(error.message))")
            return
        }
        if error.isReadOnlyServer {
            self.init(
                kind: .databaseUnreachable,
                message: "\(Self.readOnlyServerCause): \(Self.oneLine(error.message))",
                hint: Self.readOnlyServerHint,
                sqlState: error.sqlState
            )
            return
        }
        let state = error.sqlState ?? ""
        let kind: Kind
        if state == "FG010" || state == "FG011" {
            kind = .notFound
        } else if state.hasPrefix("FG") {
            kind = .ruleViolation
        } else {
            kind = .other
        }
        self.init(kind: kind, message: Self.oneLine(error.message), hint: error.hint, sqlState: error.sqlState)
    }

    /// The error in command-line terms: the rule, the reason and a hint naming `freezegate tenant …`.
    var wording: TenantErrorWording {
        TenantErrorWording(sqlState: sqlState, message: message, hint: hint)
    }

    /// The lines written to stderr: `error: rule N: …` with the SQLSTATE, `reason: …`, `hint: …`.
    var humanText: String {
        wording.humanText(sqlState: sqlState)
    }

    /// `message` and `hint` are the database's own words, as before; `rule`, `reason` and
    /// `cli_hint` are what stderr says (added keys, so scripts reading the old ones keep working).
    var jsonObject: [String: Any] {
        let wording = self.wording
        let rule: Any =
            wording.rule.map { ["number": $0.number, "statement": $0.statement] as [String: Any] } ?? NSNull()
        return [
            "error": [
                "exit_code": Int(kind.rawValue),
                "message": message,
                "hint": hint as Any? ?? NSNull(),
                "sqlstate": sqlState as Any? ?? NSNull(),
                "rule": rule,
                "reason": wording.reason as Any? ?? NSNull(),
                "cli_hint": wording.hint as Any? ?? NSNull(),
            ] as [String: Any]
        ]
    }

    /// Multi-line libpq messages (e.g. a refused connection) as one line.
    private static func oneLine(_ text: String) -> String {
        text.trimmingCharacters(in: .whitespacesAndNewlines)
            .split(separator: "\n", omittingEmptySubsequences: true)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .joined(separator: " ")
    }
}
