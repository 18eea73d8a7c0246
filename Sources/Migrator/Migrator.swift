import Logging
import Postgres

/// Applies migrations to one database, each in its own transaction, recording what was applied.
///
/// A session-level advisory lock is held for the whole run, so two migrators started at once apply
/// every file exactly once: the second waits, then finds nothing left to do.
public struct Migrator: Sendable {
    /// The advisory-lock key (`pg_advisory_lock`), arbitrary but fixed: "FrzGate" in ASCII.
    public static let advisoryLockKey: Int64 = 0x46_72_7A_47_61_74_65
    public static let historyTable = "freezegate.schema_migrations"
    /// What each repeatable file's text was when it was last applied.
    public static let repeatableHistoryTable = "freezegate.schema_repeatables"

    private let connection: PostgresConnection
    private let logger: Logger

    public init(connection: PostgresConnection, logger: Logger = Logger(label: "freezegate.migrate")) {
        self.connection = connection
        self.logger = logger
    }

    /// Applies the numbered files not applied yet, in order.
    public func migrate(_ files: [MigrationFile]) async throws -> MigrationReport {
        try await self.migrate(MigrationSet(versioned: files))
    }

    /// Applies the numbered files not applied yet, in order, then every repeatable file whose text
    /// differs from what was last applied, by name.
    public func migrate(_ set: MigrationSet) async throws -> MigrationReport {
        try MigrationDirectory.checkUniqueVersions(set.versioned)
        try await connection.query("SELECT pg_advisory_lock($1)", [Self.advisoryLockKey])
        do {
            var report = try await migrateWhileLocked(set.versioned.sorted { $0.version < $1.version })
            try await self.applyRepeatable(set.repeatable.sorted { $0.name < $1.name }, into: &report)
            try await connection.query("SELECT pg_advisory_unlock($1)", [Self.advisoryLockKey])
            return report
        } catch {
            _ = try? await connection.query("SELECT pg_advisory_unlock($1)", [Self.advisoryLockKey])
            throw error
        }
    }

    private func migrateWhileLocked(_ files: [MigrationFile]) async throws -> MigrationReport {
        try await connection.execute(
            """
            SET client_min_messages = warning;
            CREATE SCHEMA IF NOT EXISTS freezegate;
            CREATE TABLE IF NOT EXISTS \(Self.historyTable) (
                version     integer PRIMARY KEY,
                name        text NOT NULL,
                checksum    text NOT NULL,
                applied_at  timestamptz NOT NULL DEFAULT now(),
                applied_by  text NOT NULL DEFAULT session_user,
                duration_ms integer NOT NULL
            );
            RESET client_min_messages;
            """
        )
        var recorded: [Int: String] = [:]
        for row in try await connection.query("SELECT version, checksum FROM \(Self.historyTable)") {
            recorded[try row.decode(Int.self, column: 0)] = try row.decode(String.self, column: 1)
        }
        var report = MigrationReport()
        var pending: [(MigrationFile, String)] = []
        for file in files {
            let checksum = try await self.checksum(of: file.sql)
            if let recordedChecksum = recorded.removeValue(forKey: file.version) {
                guard recordedChecksum == checksum else {
                    throw MigrationError.editedAfterApply(
                        fileName: file.fileName,
                        recordedChecksum: recordedChecksum,
                        currentChecksum: checksum
                    )
                }
                report.alreadyApplied.append(file)
            } else {
                pending.append((file, checksum))
            }
        }
        report.unknownApplied = recorded.keys.sorted()
        for version in report.unknownApplied {
            logger.warning("database has migration \(version) applied, but no file for it exists")
        }
        for (file, checksum) in pending {
            try await apply(file, checksum: checksum)
            report.applied.append(file)
        }
        return report
    }

    /// After the numbered files, so a repeatable file may use everything they create.
    private func applyRepeatable(_ files: [RepeatableMigrationFile], into report: inout MigrationReport) async throws {
        guard !files.isEmpty else { return }
        try await connection.execute(
            """
            SET client_min_messages = warning;
            CREATE TABLE IF NOT EXISTS \(Self.repeatableHistoryTable) (
                name        text PRIMARY KEY,
                checksum    text NOT NULL,
                applied_at  timestamptz NOT NULL DEFAULT now(),
                applied_by  text NOT NULL DEFAULT session_user,
                duration_ms integer NOT NULL
            );
            RESET client_min_messages;
            """
        )
        var recorded: [String: String] = [:]
        for row in try await connection.query("SELECT name, checksum FROM \(Self.repeatableHistoryTable)") {
            recorded[try row.decode(String.self, column: 0)] = try row.decode(String.self, column: 1)
        }
        for file in files {
            let checksum = try await self.checksum(of: file.sql)
            if recorded[file.name] == checksum {
                report.repeatableUnchanged.append(file)
                continue
            }
            try await self.run(
                file.sql,
                of: file.fileName,
                recordedBy: """
                    INSERT INTO \(Self.repeatableHistoryTable) (name, checksum, duration_ms) VALUES ($1, $2, $3)
                    ON CONFLICT (name) DO UPDATE SET checksum = EXCLUDED.checksum, applied_at = now(),
                        applied_by = session_user, duration_ms = EXCLUDED.duration_ms
                    """,
                [file.name, checksum]
            )
            logger.info("applied repeatable migration \(file.fileName)")
            report.repeatableApplied.append(file)
        }
    }

    private static func milliseconds(since started: ContinuousClock.Instant) -> Int {
        let elapsed = started.duration(to: .now)
        return Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)
    }

    private func apply(_ file: MigrationFile, checksum: String) async throws {
        try await self.run(
            file.sql,
            of: file.fileName,
            recordedBy:
                "INSERT INTO \(Self.historyTable) (version, name, checksum, duration_ms) VALUES ($1, $2, $3, $4)",
            [file.version, file.name, checksum]
        )
        logger.info("applied migration \(file.fileName)")
    }

    /// Runs a file's SQL and its history row in one transaction: `record` takes `parameters` and,
    /// last, how long the SQL took in milliseconds. A database error names the file.
    private func run(
        _ sql: String,
        of fileName: String,
        recordedBy record: String,
        _ parameters: [any PostgresEncodable]
    ) async throws {
        let started = ContinuousClock.now
        do {
            try await connection.transaction { connection in
                try await connection.execute(sql)
                try await connection.query(record, parameters + [Self.milliseconds(since: started)])
            }
        } catch let error as PostgresError {
            throw MigrationError.failed(fileName: fileName, error: error.description)
        }
    }

    /// SHA-256 of the file's text, computed by the server so that no crypto library is needed here.
    private func checksum(of sql: String) async throws -> String {
        let rows = try await connection.query("SELECT encode(sha256(convert_to($1, 'UTF8')), 'hex')", [sql])
        return try rows[0].decode(String.self, column: 0)
    }
}
