import Foundation
import Migrator
import Testing

@Suite("Migration file names")
struct MigrationFileTests {
    @Test(arguments: [
        ("0001_schema.sql", 1, "schema"),
        ("0042_tenant_model.sql", 42, "tenant_model"),
        ("7_x.sql", 7, "x"),
    ])
    func parsesNumberedNames(fileName: String, version: Int, name: String) throws {
        let file = try #require(MigrationFile.parse(fileName: fileName, sql: ""))
        #expect(file.version == version)
        #expect(file.name == name)
    }

    @Test(arguments: ["schema.sql", "0001schema.sql", "0001_.sql", "0001_schema.txt", "_0001.sql"])
    func rejectsOtherNames(fileName: String) {
        #expect(MigrationFile.parse(fileName: fileName, sql: "") == nil)
    }

    @Test func parsesRepeatableNames() throws {
        let file = try #require(RepeatableMigrationFile.parse(fileName: "R__freeze_rules.sql", sql: "SELECT 1"))
        #expect(file.name == "freeze_rules" && file.fileName == "R__freeze_rules.sql" && file.sql == "SELECT 1")
        for other in ["R__.sql", "R_x.sql", "r__x.sql", "R__x.txt", "0001_x.sql"] {
            #expect(RepeatableMigrationFile.parse(fileName: other, sql: "") == nil, "\(other)")
        }
        #expect(MigrationFile.parse(fileName: "R__x.sql", sql: "") == nil)
    }

    /// A directory with both kinds: numbered by version, repeatable by name, anything else refused.
    @Test func aDirectoryHoldsBothKinds() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("migrations-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for name in ["0002_b.sql", "R__views.sql", "0001_a.sql", "R__functions.sql"] {
            try "-- \(name)".write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        let set = try MigrationDirectory.load(directory.path)
        #expect(set.versioned.map(\.fileName) == ["0001_a.sql", "0002_b.sql"])
        #expect(set.repeatable.map(\.fileName) == ["R__functions.sql", "R__views.sql"])
        try "".write(to: directory.appendingPathComponent("views.sql"), atomically: true, encoding: .utf8)
        #expect(throws: MigrationError.self) { try MigrationDirectory.load(directory.path) }
    }
}
