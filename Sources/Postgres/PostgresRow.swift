/// One row of a result; values are decoded on demand into the type the caller names.
public struct PostgresRow: Sendable {
    let rows: PostgresRows
    let index: Int

    public var columns: [PostgresColumn] { rows.columns }

    /// Decodes the value of column `column` (0-based). NULL decodes only into an `Optional`.
    public func decode<T: PostgresDecodable>(_ type: T.Type = T.self, column: Int) throws -> T {
        try self.decodeValue(type, column: column)
    }

    /// The body of `decode(_:column:)`, which the specialised overloads share.
    func decodeValue<T: PostgresDecodable>(_ type: T.Type, column: Int) throws -> T {
        guard rows.columns.indices.contains(column) else {
            throw PostgresError(
                kind: .usage,
                message: "column index \(column) out of range; the row has \(rows.columns.count) columns"
            )
        }
        let info = rows.columns[column]
        do {
            guard let bytes = rows.cell(row: index, column: column) else {
                return try T.decodeNull()
            }
            return try T.decode(bytes, as: info.dataType)
        } catch let failure as PostgresDecodingFailure {
            throw PostgresError(
                kind: .decoding,
                message: "column \"\(info.name)\" (\(info.dataType)): \(failure.reason)"
            )
        }
    }

    /// Decodes the value of the column named `column`.
    public func decode<T: PostgresDecodable>(_ type: T.Type = T.self, column name: String) throws -> T {
        guard let column = rows.columns.firstIndex(where: { $0.name == name }) else {
            throw PostgresError(kind: .usage, message: "no column named \"\(name)\" in the result")
        }
        return try decode(type, column: column)
    }
}
