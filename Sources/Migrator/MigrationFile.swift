import Foundation

/// One numbered file of `sql/`, e.g. `0002_tenant_model.sql`.
public struct MigrationFile: Sendable, Hashable {
    public let version: Int
    public let name: String
    public let fileName: String
    public let sql: String

    public init(version: Int, name: String, fileName: String, sql: String) {
        self.version = version
        self.name = name
        self.fileName = fileName
        self.sql = sql
    }

    /// Parses `NNNN_name.sql`; nil for a name of another shape.
    public static func parse(fileName: String, sql: String) -> MigrationFile? {
        guard fileName.hasSuffix(".sql") else { return nil }
        let stem = fileName.dropLast(4)
        let digits = stem.prefix(while: { $0.isASCII && $0.isNumber })
        guard !digits.isEmpty, let version = Int(digits) else { return nil }
        let rest = stem.dropFirst(digits.count)
        guard rest.first == "_", rest.count > 1 else { return nil }
        return MigrationFile(version: version, name: String(rest.dropFirst()), fileName: fileName, sql: sql)
    }
}
