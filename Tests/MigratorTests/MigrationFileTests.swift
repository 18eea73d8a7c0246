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
}
