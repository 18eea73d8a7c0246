import Foundation

// Non-generic overloads of `decode(_:column:)` for the types the snapshot queries read. The generic
// method is not specialised for callers in other modules: each value went through witness tables
// and each array element through an unspecialised `append` — a tenth of a million-tenant resync's
// CPU. Overload resolution picks these over the generic method, so callers need no change; inside
// this module the generic body is specialised for each.
extension PostgresRow {
    public func decode(_ type: String.Type, column: Int) throws -> String {
        try self.decodeValue(type, column: column)
    }

    public func decode(_ type: String?.Type, column: Int) throws -> String? {
        try self.decodeValue(type, column: column)
    }

    public func decode(_ type: Date.Type, column: Int) throws -> Date {
        try self.decodeValue(type, column: column)
    }

    public func decode(_ type: Date?.Type, column: Int) throws -> Date? {
        try self.decodeValue(type, column: column)
    }

    public func decode(_ type: [String].Type, column: Int) throws -> [String] {
        try self.decodeValue(type, column: column)
    }

    public func decode(_ type: [Int64].Type, column: Int) throws -> [Int64] {
        try self.decodeValue(type, column: column)
    }

    public func decode(_ type: [Date].Type, column: Int) throws -> [Date] {
        try self.decodeValue(type, column: column)
    }
}
