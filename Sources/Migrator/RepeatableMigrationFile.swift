/// A repeatable file of `sql/`, e.g. `R__freeze_rules.sql`: functions and views defined with
/// `CREATE OR REPLACE`, applied after the numbered migrations whenever its text changed (as
/// Flyway's `R__` files), so changing a rule edits it in one place instead of adding a migration
/// that repeats the whole function.
public struct RepeatableMigrationFile: Sendable, Hashable {
    public let name: String
    public let fileName: String
    public let sql: String

    public init(name: String, fileName: String, sql: String) {
        self.name = name
        self.fileName = fileName
        self.sql = sql
    }

    /// Parses `R__name.sql`; nil for a name of another shape.
    public static func parse(fileName: String, sql: String) -> RepeatableMigrationFile? {
        guard fileName.hasPrefix("R__"), fileName.hasSuffix(".sql") else { return nil }
        let name = fileName.dropFirst(3).dropLast(4)
        guard !name.isEmpty else { return nil }
        return RepeatableMigrationFile(name: String(name), fileName: fileName, sql: sql)
    }
}
