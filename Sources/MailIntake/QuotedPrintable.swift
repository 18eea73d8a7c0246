/// Quoted-printable (RFC 2045 §6.7) and the "Q" encoding of encoded words (RFC 2047 §4.2).
public enum QuotedPrintable {
    /// Decodes a body: `=XX` escapes, soft line breaks (`=` at the end of a line). A malformed escape
    /// is kept as it is, as RFC 2045 advises.
    public static func decode(_ text: [UInt8], underscoreIsSpace: Bool = false) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(text.count)
        var index = 0
        while index < text.count {
            let byte = text[index]
            if byte == UInt8(ascii: "=") {
                // Soft line break: "=" then optional whitespace then CRLF or LF.
                var next = index + 1
                while next < text.count, text[next] == UInt8(ascii: " ") || text[next] == UInt8(ascii: "\t") {
                    next += 1
                }
                if next < text.count, text[next] == UInt8(ascii: "\r") { next += 1 }
                if next < text.count, text[next] == UInt8(ascii: "\n") {
                    index = next + 1
                    continue
                }
                if next >= text.count {
                    index = next
                    continue
                }
                if index + 2 < text.count, let high = hexValue(text[index + 1]), let low = hexValue(text[index + 2]) {
                    output.append(high << 4 | low)
                    index += 3
                    continue
                }
                output.append(byte)
                index += 1
            } else if underscoreIsSpace, byte == UInt8(ascii: "_") {
                output.append(UInt8(ascii: " "))
                index += 1
            } else {
                output.append(byte)
                index += 1
            }
        }
        return output
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        default: return nil
        }
    }
}
