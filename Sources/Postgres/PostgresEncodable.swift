import Foundation

/// A Swift value that can be sent as a statement parameter.
///
/// Parameters travel in text format with an unspecified type, so the server infers each one from its
/// context (`$1::timestamptz`, a column, a function argument) exactly as for a literal; values are
/// never spliced into the SQL text.
public protocol PostgresEncodable: Sendable {
    /// The text form of the value, or nil for SQL NULL.
    var postgresText: String? { get }
}

extension Optional: PostgresEncodable where Wrapped: PostgresEncodable {
    public var postgresText: String? { self?.postgresText }
}

extension String: PostgresEncodable {
    public var postgresText: String? { self }
}

extension Substring: PostgresEncodable {
    public var postgresText: String? { String(self) }
}

extension Int: PostgresEncodable {
    public var postgresText: String? { String(self) }
}

extension Int64: PostgresEncodable {
    public var postgresText: String? { String(self) }
}

extension Int32: PostgresEncodable {
    public var postgresText: String? { String(self) }
}

extension UInt8: PostgresEncodable {
    public var postgresText: String? { String(self) }
}

extension Bool: PostgresEncodable {
    public var postgresText: String? { self ? "true" : "false" }
}

extension Double: PostgresEncodable {
    public var postgresText: String? {
        if isNaN { return "NaN" }
        if isInfinite { return self < 0 ? "-Infinity" : "Infinity" }
        return String(self)
    }
}

extension Date: PostgresEncodable {
    public var postgresText: String? { PostgresTime.text(from: self) }
}

extension Array: PostgresEncodable where Element: PostgresEncodable {
    /// `[UInt8]` is sent as bytea (hex form); other arrays as a one-dimensional array literal.
    public var postgresText: String? {
        // By element type, not `self as? [UInt8]`: an empty array of any type casts to [UInt8].
        if Element.self == UInt8.self, let bytes = self as? [UInt8] {
            let hex = "0123456789abcdef".utf8.map { $0 }
            var text: [UInt8] = [UInt8(ascii: "\\"), UInt8(ascii: "x")]
            text.reserveCapacity(2 + bytes.count * 2)
            for byte in bytes {
                text.append(hex[Int(byte >> 4)])
                text.append(hex[Int(byte & 0x0f)])
            }
            return String(decoding: text, as: UTF8.self)
        }
        let elements = map { element -> String in
            guard let text = element.postgresText else { return "NULL" }
            let escaped = text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            return "\"\(escaped)\""
        }
        return "{" + elements.joined(separator: ",") + "}"
    }
}
