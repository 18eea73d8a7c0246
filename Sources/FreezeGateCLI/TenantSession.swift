import ArgumentParser
import Foundation
import Gateway
import Postgres

/// Connects, runs one subcommand's work, and turns every failure into its message and exit code.
enum TenantSession {
    static func run(
        _ options: TenantConnectionOptions,
        _ body: (PostgresConnection) async throws -> Void
    ) async throws {
        let url = try DatabaseURL.resolve(flag: options.databaseURL)
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(
                PostgresConfiguration(
                    connectionString: url,
                    applicationName: "freezegate-cli",
                    connectTimeoutSeconds: max(1, options.connectTimeout)
                )
            )
        } catch {
            throw report(TenantFailure(error), json: options.json)
        }
        do {
            // Instants typed without a zone (--at 2027-07-01) are UTC, like the SQL model's days.
            try await connection.execute("SET TimeZone = 'UTC'")
            try await body(connection)
        } catch {
            await connection.close()
            throw report(TenantFailure(error), json: options.json)
        }
        await connection.close()
    }

    /// Writes the failure (stderr; with --json also a JSON object on stdout) and returns its exit code.
    static func report(_ failure: TenantFailure, json: Bool) -> ExitCode {
        FileHandle.standardError.write(Data(failure.humanText.utf8))
        if json {
            TenantOutput.printJSON(failure.jsonObject)
        }
        return ExitCode(failure.kind.rawValue)
    }
}
