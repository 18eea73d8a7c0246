/// Percent-decoding as the various upstream parsers do it, on bytes (the request target is bytes,
/// not necessarily valid UTF-8).
enum PercentDecoding {
    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// The value of a valid `%XX` escape starting at `index`, if there is one.
    static func escape(in bytes: [UInt8], at index: Int) -> UInt8? {
        guard index + 2 < bytes.count, bytes[index] == UInt8(ascii: "%"),
            let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2])
        else { return nil }
        return high << 4 | low
    }

    /// The value of an escape with a sign, `%+X` or `%-0`, starting at `index`: invalid, but read
    /// by decoders built on `sscanf("%2x")`, `strtol` or an integer parser that takes a sign, for
    /// which the sign is one of the two characters — `%+0` is a NUL to them, `%+a` a line feed.
    static func signedEscape(in bytes: [UInt8], at index: Int) -> UInt8? {
        guard index + 2 < bytes.count, bytes[index] == UInt8(ascii: "%") else { return nil }
        switch bytes[index + 1] {
        case UInt8(ascii: "+"): return hexValue(bytes[index + 2])
        case UInt8(ascii: "-"): return bytes[index + 2] == UInt8(ascii: "0") ? 0 : nil
        default: return nil
        }
    }

    /// The scalar of an IIS-style `%uXXXX` escape starting at `index`, if there is one.
    static func unicodeEscape(in bytes: [UInt8], at index: Int) -> Unicode.Scalar? {
        guard index + 5 < bytes.count, bytes[index] == UInt8(ascii: "%"),
            bytes[index + 1] | 0x20 == UInt8(ascii: "u")
        else { return nil }
        var value: UInt32 = 0
        for offset in 2...5 {
            guard let digit = hexValue(bytes[index + offset]) else { return nil }
            value = value << 4 | UInt32(digit)
        }
        return Unicode.Scalar(value)
    }

    /// One round of decoding; an invalid escape is kept literally (what most lenient decoders do),
    /// but for a signed one (``signedEscape(in:at:)``) when `signedEscapes` says so.
    static func decodeOnce(_ bytes: [UInt8], unicodeEscapes: Bool = false, signedEscapes: Bool = false) -> [UInt8] {
        guard bytes.contains(UInt8(ascii: "%")) else { return bytes }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if let value = escape(in: bytes, at: index) {
                output.append(value)
                index += 3
            } else if signedEscapes, let value = signedEscape(in: bytes, at: index) {
                output.append(value)
                index += 3
            } else if unicodeEscapes, let scalar = unicodeEscape(in: bytes, at: index) {
                output.append(contentsOf: Array(String(Character(scalar)).utf8))
                index += 6
            } else {
                output.append(bytes[index])
                index += 1
            }
        }
        return output
    }

    static func containsValidEscape(_ bytes: [UInt8]) -> Bool {
        var index = 0
        while index < bytes.count {
            if escape(in: bytes, at: index) != nil || unicodeEscape(in: bytes, at: index) != nil { return true }
            index += 1
        }
        return false
    }

    static func containsSignedEscape(_ bytes: [UInt8]) -> Bool {
        bytes.indices.contains { signedEscape(in: bytes, at: $0) != nil }
    }

    /// Whether a `%` that starts no valid `%XX` escape occurs (and whether it starts a `%uXXXX`).
    static func invalidEscapes(in bytes: [UInt8]) -> (invalid: Bool, unicode: Bool) {
        var invalid = false
        var unicode = false
        for index in bytes.indices where bytes[index] == UInt8(ascii: "%") {
            if escape(in: bytes, at: index) != nil { continue }
            if unicodeEscape(in: bytes, at: index) != nil {
                unicode = true
            } else {
                invalid = true
            }
        }
        return (invalid, unicode)
    }

    static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// `%xx` with lower-case hex, the canonical spelling of a byte that cannot appear literally.
    static func escaped(_ byte: UInt8) -> String {
        String(decoding: [UInt8(ascii: "%"), hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0x0F)]], as: UTF8.self)
    }
}
