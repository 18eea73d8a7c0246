import Foundation
import TestSupport
import Testing

/// `freezegate migrate` end to end: the built binary against a fresh database (CONTRACT.md §2).
@Suite("freezegate migrate", .timeLimit(.minutes(3)))
struct MigrateCommandTests {
    @Test func migratesOnceAndTheSecondRunChangesNothing() async throws {
        let url = try await TestPostgres.shared.makeDatabase(prefix: "climig")
        let first = try await FreezegateCLI.run(["migrate", "--database-url", url])
        #expect(first.status == 0, "\(first)")
        #expect(first.stdout.contains("applied 0001_schema.sql"))
        let second = try await FreezegateCLI.run(["migrate"], environment: ["DATABASE_URL": url])
        #expect(second.status == 0, "\(second)")
        #expect(!second.stdout.contains("applied 0"))
        #expect(second.stdout.contains("database is up to date"))
        // The migrated schema is usable by the ops CLI.
        let list = try await FreezegateCLI.tenant(["list", "--json"], url: url)
        #expect(list.status == 0, "\(list)")
    }

    @Test func anUnreachableDatabaseFailsWithoutHanging() async throws {
        let outcome = try await FreezegateCLI.run(
            ["migrate", "--database-url", try FreezegateCLI.unreachableURL(), "--connect-timeout", "3"],
            timeLimit: 60
        )
        #expect(!outcome.timedOut)
        #expect(outcome.status != 0)
        #expect(outcome.stderr.contains("cannot connect to the database"))
    }
}
