import Foundation

/// A Swift type that a column value (binary result format) decodes into.
public protocol PostgresDecodable: Sendable {
    /// Decodes a non-NULL value sent by the server as `dataType`.
    static func decode(_ bytes: ArraySlice<UInt8>, as dataType: PostgresDataType) throws -> Self
    /// What a NULL decodes to: an error unless the type is an `Optional`.
    static func decodeNull() throws -> Self
}

extension PostgresDecodable {
    public static func decodeNull() throws -> Self {
        throw PostgresDecodingFailure(reason: "the value is NULL; decode it as \(Self.self)?")
    }
}

extension Optional: PostgresDecodable where Wrapped: PostgresDecodable {
    public static func decode(_ bytes: ArraySlice<UInt8>, as dataType: PostgresDataType) throws -> Self {
        try Wrapped.decode(bytes, as: dataType)
    }

    public static func decodeNull() throws -> Self { nil }
}

extension String: PostgresDecodable {
    public static func decode(_ bytes: ArraySlice<UInt8>, as dataType: PostgresDataType) throws -> String {
        switch dataType {
        case .text, .varchar, .bpchar, .name, .unknown, .json, .char:
            return String(decoding: bytes, as: UTF8.self)
        case .jsonb:
            // Binary jsonb is a version byte (1) followed by the JSON text.
            guard bytes.first == 1 else { throw PostgresDecodingFailure.malformed(dataType, length: bytes.count) }
            return String(decoding: bytes.dropFirst(), as: UTF8.self)
        default:
            throw PostgresDecodingFailure.typeMismatch(String.self, dataType)
        }
    }
}

extension Int64: PostgresDecodable {
    public static func decode(_ bytes: ArraySlice<UInt8>, as dataType: PostgresDataType) throws -> Int64 {
        switch dataType {
        case .int2: return Int64(try BinaryReader.integer(Int16.self, bytes, dataType))
        case .int4: return Int64(try BinaryReader.integer(Int32.self, bytes, dataType))
        case .int8: return try BinaryReader.integer(Int64.self, bytes, dataType)
        case .oid: return Int64(try BinaryReader.integer(UInt32.self, bytes, dataType))
        default: throw PostgresDecodingFailure.typeMismatch(Int64.self, dataType)
        }
    }
}

extension Int: PostgresDecodable {
    public static func decode(_ bytes: ArraySlice<UInt8>, as dataType: PostgresDataType) throws -> Int {
        Int(try Int64.decode(bytes, as: dataType))
    }
}

extension Int32: PostgresDecodable {
    public static func decode(_ bytes: ArraySlice<UInt8>, as dataType: PostgresDataType) throws -> Int32 {
        switch dataType {
        case .int2: return Int32(try BinaryReader.integer(Int16.self, bytes, dataType))
        case .int4: return try BinaryReader.integer(Int32.self, bytes, dataType)
        default: throw PostgresDecodingFailure.typeMismatch(Int32.self, dataType)
        }
    }
}

extension UInt8: PostgresDecodable {
    /// The single-byte `"char"` type; together with the `Array` conformance this gives `[UInt8]` for bytea.
    public static func decode(_ bytes: ArraySlice<UInt8>, as dataType: PostgresDataType) throws -> UInt8 {
        guard dataType == .char, bytes.count == 1, let byte = bytes.first else {
            throw PostgresDecodingFailure.typeMismatch(UInt8.self, dataType)
        }
        return byte
    }
}

extension Bool: PostgresDecodable {
    public static func decode(_ bytes: ArraySlice<UInt8>, as dataType: PostgresDataType) throws -> Bool {
        guard dataType == .bool else { throw PostgresDecodingFailure.typeMismatch(Bool.self, dataType) }
        guard bytes.count == 1, let byte = bytes.first else {
            throw PostgresDecodingFailure.malformed(dataType, length: bytes.count)
        }
        return byte != 0
    }
}

extension Double: PostgresDecodable {
    public static func decode(_ bytes: ArraySlice<UInt8>, as dataType: PostgresDataType) throws -> Double {
        switch dataType {
        case .float8: return Double(bitPattern: try BinaryReader.integer(UInt64.self, bytes, dataType))
        case .float4: return Double(Float(bitPattern: try BinaryReader.integer(UInt32.self, bytes, dataType)))
        case .int2, .int4, .int8: return Double(try Int64.decode(bytes, as: dataType))
        default: throw PostgresDecodingFailure.typeMismatch(Double.self, dataType)
        }
    }
}

extension Date: PostgresDecodable {
    public static func decode(_ bytes: ArraySlice<UInt8>, as dataType: PostgresDataType) throws -> Date {
        switch dataType {
        case .timestamptz, .timestamp:
            let microseconds = try BinaryReader.integer(Int64.self, bytes, dataType)
            return PostgresTime.date(fromMicroseconds: microseconds)
        case .date:
            let days = try BinaryReader.integer(Int32.self, bytes, dataType)
            if days == Int32.max { return .distantFuture }
            if days == Int32.min { return .distantPast }
            return Date(timeIntervalSince1970: PostgresTime.epochOffset + Double(days) * 86_400)
        default:
            throw PostgresDecodingFailure.typeMismatch(Date.self, dataType)
        }
    }
}

extension Array: PostgresDecodable where Element: PostgresDecodable {
    /// One-dimensional arrays; `[UInt8]` also decodes `bytea`.
    public static func decode(_ bytes: ArraySlice<UInt8>, as dataType: PostgresDataType) throws -> [Element] {
        if dataType == .bytea, let raw = [UInt8](bytes) as? [Element] {
            return raw
        }
        guard dataType.arrayElement != nil else {
            throw PostgresDecodingFailure.typeMismatch([Element].self, dataType)
        }
        var reader = BinaryReader(bytes: bytes, dataType: dataType)
        let dimensions = try reader.read(Int32.self)
        _ = try reader.read(Int32.self)  // has-null flag
        let elementType = PostgresDataType(rawValue: try reader.read(UInt32.self))
        if dimensions == 0 { return [] }
        guard dimensions == 1 else {
            throw PostgresDecodingFailure(reason: "only one-dimensional arrays are supported, got \(dimensions)")
        }
        let count = try reader.read(Int32.self)
        _ = try reader.read(Int32.self)  // lower bound
        var elements: [Element] = []
        elements.reserveCapacity(Int(Swift.max(count, 0)))
        for _ in 0..<Swift.max(count, 0) {
            let length = try reader.read(Int32.self)
            if length < 0 {
                elements.append(try Element.decodeNull())
            } else {
                elements.append(try Element.decode(try reader.take(Int(length)), as: elementType))
            }
        }
        return elements
    }
}
