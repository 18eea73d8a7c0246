import ArgumentParser
import Foundation
import Gateway
import Logging
import Migrator
import Postgres

/// `freezegate migrate`: applies `sql/` to the database.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply the migrations of sql/ to the database, in order, each in its own transaction."
    )

    @Option(
        name: .customLong("database-url"),
        help: "libpq URI or key=value string (default: $FREEZEGATE_DATABASE_URL, else $DATABASE_URL)."
    )
    var databaseURL: String?

    @Option(name: .customLong("migrations-dir"), help: "Directory of NNNN_name.sql files (default: sql/).")
    var migrationsDirectory: String?

    @Option(name: .customLong("connect-timeout"), help: "Seconds to wait for the database before giving up.")
    var connectTimeout: Int = 10

    /// The exit code when the database is unavailable for writing: unreachable, lost, or a read-only
    /// standby (SQLSTATE 25006). The same as the `tenant` commands' "database unreachable".
    static let databaseUnavailableExitCode: Int32 = TenantFailure.Kind.databaseUnreachable.rawValue

    /// Reports `message` on stderr as one line and returns the exit code to throw.
    private static func databaseUnavailable(_ message: String) -> ExitCode {
        let line = message.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        FileHandle.standardError.write(Data("Error: \(line)\n".utf8))
        return ExitCode(databaseUnavailableExitCode)
    }

    func run() async throws {
        let url = try DatabaseURL.resolve(flag: databaseURL)
        let directory = try MigrationDirectory.locate(explicit: migrationsDirectory)
        let files = try MigrationDirectory.load(directory)
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(
                PostgresConfiguration(
                    connectionString: url,
                    applicationName: "freezegate-migrate",
                    connectTimeoutSeconds: connectTimeout
                )
            )
        } catch let error as PostgresError {
            throw Self.databaseUnavailable("cannot connect to the database: \(error.message)")
        }
        let report: MigrationReport
        do {
            // The command prints each applied file itself; the migrator's own log lines (for `serve`)
            // would say every one twice.
            var quiet = Logger(label: "freezegate.migrate")
            quiet.logLevel = .error
            report = try await Migrator(connection: connection, logger: quiet).migrate(files)
        } catch let error as PostgresError where error.isReadOnlyServer || error.isConnectionError {
            await connection.close()
            throw Self.databaseUnavailable(
                error.isReadOnlyServer
                    ? "\(TenantFailure.readOnlyServerCause): \(error.message)"
                    : "lost the connection to the database: \(error.message)"
            )
        } catch {
            await connection.close()
            throw CommandFailure("\(error)")
        }
        await connection.close()
        for file in report.applied {
            print("applied \(file.fileName)")
        }
        for file in report.repeatableApplied {
            print("applied \(file.fileName) (repeatable: new or changed)")
        }
        for version in report.unknownApplied {
            print("warning: migration \(version) is applied in the database but has no file in \(directory)")
        }
        let total = report.alreadyApplied.count + report.applied.count
        let repeatableTotal = report.repeatableApplied.count + report.repeatableUnchanged.count
        let repeatableNote = repeatableTotal == 0 ? "" : ", \(repeatableTotal) repeatable file(s) current"
        if report.applied.isEmpty && report.repeatableApplied.isEmpty {
            print("database is up to date (\(total) migrations applied\(repeatableNote))")
        } else {
            print(
                "applied \(report.applied.count) migration(s)"
                    + (report.repeatableApplied.isEmpty
                        ? "" : " and \(report.repeatableApplied.count) repeatable file(s)")
                    + "; \(total) in total\(repeatableNote)"
            )
        }
    }
}
