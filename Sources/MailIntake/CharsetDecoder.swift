import Foundation

/// Turns the bytes of a MIME part or encoded word into text, for the charsets mail in Russian and
/// English arrives in: UTF-8, US-ASCII, ISO-8859-1, KOI8-R and Windows-1251.
///
/// An unknown charset is read as UTF-8 with replacement characters: a request written in it may
/// still name its dates in digits.
public enum CharsetDecoder {
    public static func decode(_ bytes: [UInt8], charset: String?) -> String {
        switch normalized(charset) {
        case "koi8-r", "koi8r", "koi8-u", "koi8":
            return decode(bytes, upperHalf: KOI8RTable.upperHalf)
        case "windows-1251", "cp1251", "win-1251", "x-cp1251":
            return decode(bytes, upperHalf: Windows1251Table.upperHalf)
        case "iso-8859-1", "latin1", "iso8859-1", "windows-1252", "cp1252":
            return String(String.UnicodeScalarView(bytes.compactMap { Unicode.Scalar(UInt32($0)) }))
        default:
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    private static func normalized(_ charset: String?) -> String {
        (charset ?? "utf-8").trimmingCharacters(in: .whitespaces).lowercased()
    }

    private static func decode(_ bytes: [UInt8], upperHalf: [UInt16]) -> String {
        var scalars = String.UnicodeScalarView()
        for byte in bytes {
            let value = byte < 0x80 ? UInt32(byte) : UInt32(upperHalf[Int(byte) - 0x80])
            scalars.append(Unicode.Scalar(value) ?? "\u{FFFD}")
        }
        return String(scalars)
    }
}
