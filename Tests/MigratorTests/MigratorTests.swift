import Foundation
import Migrator
import Postgres
import TestSupport
import Testing

@Suite("Migrator against a real cluster", .timeLimit(.minutes(2)))
struct MigratorTests {
    private let good = [
        MigrationFile(
            version: 1,
            name: "schema",
            fileName: "0001_schema.sql",
            sql: "CREATE SCHEMA IF NOT EXISTS freezegate;"
        ),
        MigrationFile(
            version: 2,
            name: "things",
            fileName: "0002_things.sql",
            sql: "CREATE TABLE freezegate.things (id int PRIMARY KEY); INSERT INTO freezegate.things VALUES (1);"
        ),
    ]

    private func history(_ connection: PostgresConnection) async throws -> [Int] {
        try await connection.query("SELECT version FROM freezegate.schema_migrations ORDER BY version")
            .map { try $0.decode(Int.self, column: 0) }
    }

    @Test func appliesInOrderAndASecondRunChangesNothing() async throws {
        let connection = try await PostgresConnection.connect(try await TestPostgres.shared.makeDatabase(prefix: "mig"))
        let first = try await Migrator(connection: connection).migrate(good.reversed())
        #expect(first.applied.map(\.version) == [1, 2])
        let second = try await Migrator(connection: connection).migrate(good)
        #expect(second.applied.isEmpty)
        #expect(second.alreadyApplied.map(\.version) == [1, 2])
        #expect(try await history(connection) == [1, 2])
        #expect(
            try await connection.query("SELECT count(*) FROM freezegate.things")[0].decode(Int.self, column: 0) == 1
        )
    }

    @Test func aFailingMigrationIsRolledBackAndNamed() async throws {
        let connection = try await PostgresConnection.connect(try await TestPostgres.shared.makeDatabase(prefix: "mig"))
        let broken = MigrationFile(
            version: 3,
            name: "broken",
            fileName: "0003_broken.sql",
            sql: "CREATE TABLE freezegate.half (id int); SELECT * FROM no_such_table;"
        )
        let error = await #expect(throws: MigrationError.self) {
            try await Migrator(connection: connection).migrate(good + [broken])
        }
        let text = error.map { "\($0)" } ?? ""
        #expect(text.contains("0003_broken.sql"))
        #expect(text.contains("no_such_table"))
        #expect(try await history(connection) == [1, 2])
        let half = try await connection.query("SELECT to_regclass('freezegate.half') IS NULL")
        #expect(try half[0].decode(Bool.self, column: 0))
    }

    @Test func anEditedAppliedMigrationIsReported() async throws {
        let connection = try await PostgresConnection.connect(try await TestPostgres.shared.makeDatabase(prefix: "mig"))
        _ = try await Migrator(connection: connection).migrate(good)
        let edited = MigrationFile(
            version: 2,
            name: "things",
            fileName: "0002_things.sql",
            sql: good[1].sql + " -- edited"
        )
        let error = await #expect(throws: MigrationError.self) {
            try await Migrator(connection: connection).migrate([good[0], edited])
        }
        #expect(error.map { "\($0)" }?.contains("0002_things.sql was edited") == true)
    }

    @Test func concurrentMigratorsLeaveOneConsistentResult() async throws {
        let url = try await TestPostgres.shared.makeDatabase(prefix: "mig")
        let slow = MigrationFile(
            version: 3,
            name: "slow",
            fileName: "0003_slow.sql",
            sql: "SELECT pg_sleep(0.3); INSERT INTO freezegate.things VALUES (2);"
        )
        let files = good + [slow]
        let reports = try await withThrowingTaskGroup(of: MigrationReport.self) { group in
            for _ in 0..<3 {
                group.addTask {
                    let connection = try await PostgresConnection.connect(url)
                    let report = try await Migrator(connection: connection).migrate(files)
                    await connection.close()
                    return report
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(reports.map(\.applied.count).sorted() == [0, 0, 3])
        let connection = try await PostgresConnection.connect(url)
        #expect(try await history(connection) == [1, 2, 3])
        #expect(
            try await connection.query("SELECT count(*) FROM freezegate.things")[0].decode(Int.self, column: 0) == 2
        )
    }

    @Test func theRepositoryMigrationsApplyCleanlyTwice() async throws {
        let connection = try await PostgresConnection.connect(try await TestPostgres.shared.makeDatabase(prefix: "mig"))
        let files = try MigrationDirectory.load(TestPostgres.repositorySQLDirectory)
        #expect(!files.versioned.isEmpty)
        let first = try await Migrator(connection: connection).migrate(files)
        #expect(first.applied.count == files.versioned.count)
        #expect(first.repeatableApplied.count == files.repeatable.count)
        let second = try await Migrator(connection: connection).migrate(files)
        #expect(second.applied.isEmpty && second.repeatableApplied.isEmpty)
    }

    private func repeatableHistory(_ connection: PostgresConnection) async throws -> [String] {
        try await connection.query("SELECT name FROM freezegate.schema_repeatables ORDER BY name")
            .map { try $0.decode(String.self, column: 0) }
    }

    private func answer(_ connection: PostgresConnection) async throws -> Int {
        try await connection.query("SELECT freezegate.answer()")[0].decode(Int.self, column: 0)
    }

    /// Applied after the numbered files (it reads their table), again only when its text changed.
    @Test func aRepeatableFileIsAppliedAfterTheNumberedOnesAndAgainOnlyWhenItChanges() async throws {
        let connection = try await PostgresConnection.connect(try await TestPostgres.shared.makeDatabase(prefix: "mig"))
        func function(_ body: String) -> RepeatableMigrationFile {
            RepeatableMigrationFile(
                name: "answer",
                fileName: "R__answer.sql",
                sql: "CREATE OR REPLACE FUNCTION freezegate.answer() RETURNS int LANGUAGE sql AS $$ \(body) $$;"
            )
        }
        let first = try await Migrator(connection: connection).migrate(
            MigrationSet(versioned: good, repeatable: [function("SELECT max(id) + 41 FROM freezegate.things")])
        )
        #expect(first.applied.map(\.version) == [1, 2])
        #expect(first.repeatableApplied.map(\.name) == ["answer"])
        #expect(try await answer(connection) == 42)

        let unchanged = try await Migrator(connection: connection).migrate(
            MigrationSet(versioned: good, repeatable: [function("SELECT max(id) + 41 FROM freezegate.things")])
        )
        #expect(unchanged.applied.isEmpty && unchanged.repeatableApplied.isEmpty)
        #expect(unchanged.repeatableUnchanged.map(\.name) == ["answer"])

        let changed = try await Migrator(connection: connection).migrate(
            MigrationSet(versioned: good, repeatable: [function("SELECT 7")])
        )
        #expect(changed.repeatableApplied.map(\.name) == ["answer"])
        #expect(try await answer(connection) == 7)
        #expect(try await repeatableHistory(connection) == ["answer"])
        #expect(try await history(connection) == [1, 2])
    }

    @Test func aFailingRepeatableFileIsRolledBackNamedAndTriedAgainNextTime() async throws {
        let connection = try await PostgresConnection.connect(try await TestPostgres.shared.makeDatabase(prefix: "mig"))
        let broken = RepeatableMigrationFile(
            name: "broken",
            fileName: "R__broken.sql",
            sql: "CREATE TABLE freezegate.half (id int); SELECT * FROM no_such_table;"
        )
        let error = await #expect(throws: MigrationError.self) {
            try await Migrator(connection: connection).migrate(MigrationSet(versioned: good, repeatable: [broken]))
        }
        let text = error.map { "\($0)" } ?? ""
        #expect(text.contains("R__broken.sql") && text.contains("no_such_table"))
        #expect(try await history(connection) == [1, 2])
        #expect(try await repeatableHistory(connection).isEmpty)
        let half = try await connection.query("SELECT to_regclass('freezegate.half') IS NULL")
        #expect(try half[0].decode(Bool.self, column: 0))

        let fixed = RepeatableMigrationFile(name: "broken", fileName: "R__broken.sql", sql: "SELECT 1;")
        let report = try await Migrator(connection: connection).migrate(
            MigrationSet(versioned: good, repeatable: [fixed])
        )
        #expect(report.repeatableApplied.map(\.name) == ["broken"])
    }
}
