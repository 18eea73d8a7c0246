import ArgumentParser
import Foundation
import Gateway
import Postgres

/// The database to use: `--database-url`, else `FREEZEGATE_DATABASE_URL` (named like every other
/// setting's variable), else `DATABASE_URL` (libpq's tools' and hosting platforms' name).
enum DatabaseURL {
    /// The variables read, in order: the ones `serve` reads for the same setting.
    static let variables =
        [ServeSettingCatalog.databaseURL.environment]
        + [ServeSettingCatalog.databaseURL.environmentFallback].compactMap { $0 }

    static let missing = "missing --database-url (and neither \(variables.joined(separator: " nor ")) is set)"

    static func resolve(
        flag: String?,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> String {
        if let flag, !flag.isEmpty { return flag }
        for name in Self.variables {
            if let fromEnvironment = environment[name], !fromEnvironment.isEmpty { return fromEnvironment }
        }
        throw ValidationError(Self.missing)
    }

    /// Refuses a connection string libpq cannot use (`PostgresConfiguration.connectionStringProblem`)
    /// with `ORIGIN: invalid connection string: REASON`, so that it stops the command at start
    /// instead of failing every connection attempt. The reason shows no password.
    static func validate(_ text: String, origin: String) throws {
        guard let problem = PostgresConfiguration.connectionStringProblem(text) else { return }
        throw ValidationError("\(origin): invalid connection string: \(self.masked(problem, of: text))")
    }

    /// libpq's words about `text` with its password masked: the string quoted whole is shown as
    /// `--print-config` shows it, and when the string holds a password, any other quoted part of
    /// the string that masking changes (`"pa%zz"`, a password libpq could not decode) becomes `****`.
    static func masked(_ problem: String, of text: String) -> String {
        let masked = SecretMasking.maskDatabaseURL(text)
        guard masked != text else { return problem }
        var out = problem.replacingOccurrences(of: "\"\(text)\"", with: "\"\(masked)\"")
        for match in out.matches(of: /"([^"]*)"/).reversed()
        where text.contains(match.output.1) && !masked.contains(match.output.1) {
            out.replaceSubrange(match.range, with: "\"\(SecretMasking.mask)\"")
        }
        return out
    }
}
