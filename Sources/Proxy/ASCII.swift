#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Byte constants and character classes of RFC 9110/9112, used by the raw-byte validators.
enum ASCII {
    static let tab: UInt8 = 0x09
    static let lf: UInt8 = 0x0A
    static let cr: UInt8 = 0x0D
    static let space: UInt8 = 0x20
    static let quote: UInt8 = 0x22
    static let comma: UInt8 = 0x2C
    static let dot: UInt8 = 0x2E
    static let zero: UInt8 = 0x30
    static let colon: UInt8 = 0x3A
    static let semicolon: UInt8 = 0x3B
    static let equals: UInt8 = 0x3D
    static let backslash: UInt8 = 0x5C

    /// The index of the first CR or LF in `bytes` from `start` on, or `bytes.count` when there is
    /// none. Eight bytes at a time (a word's bytes compared with CR and LF at once, the classic
    /// "has a zero byte" test on the word XOR each), then byte by byte in the word that has one:
    /// every byte of every request head passes through here.
    static func lineBreakIndex(in bytes: UnsafeRawBufferPointer, from start: Int) -> Int {
        let count = bytes.count
        var index = start
        if let base = bytes.baseAddress {
            let ones: UInt64 = 0x0101_0101_0101_0101
            let highBits: UInt64 = 0x8080_8080_8080_8080
            while index + 8 <= count {
                let word = base.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                let crs = word ^ (ones &* UInt64(Self.cr))
                let lfs = word ^ (ones &* UInt64(Self.lf))
                if ((crs &- ones) & ~crs | (lfs &- ones) & ~lfs) & highBits != 0 { break }
                index += 8
            }
        }
        while index < count, bytes[index] != Self.cr, bytes[index] != Self.lf { index += 1 }
        return index
    }

    /// The index of the first LF in `bytes` from `start` on, or `bytes.count` when there is none
    /// (the C library's `memchr`, which reads many bytes per instruction).
    static func lineFeedIndex(in bytes: UnsafeRawBufferPointer, from start: Int) -> Int {
        guard let base = bytes.baseAddress, start < bytes.count,
            let found = memchr(base + start, Int32(Self.lf), bytes.count - start)
        else { return bytes.count }
        return base.distance(to: UnsafeRawPointer(found))
    }

    /// `tchar` of RFC 9110 §5.6.2 (DIGIT, ALPHA and ``!#$%&'*+-.^_`|~``) as two bit masks over
    /// bytes 0–63 and 64–127: constants, unlike a table, need no lazy initialisation check on
    /// every byte of every field name.
    private static let tokenMaskLow: UInt64 = 0x03ff_6cfa_0000_0000
    private static let tokenMaskHigh: UInt64 = 0x57ff_ffff_c7ff_fffe

    /// `tchar` of RFC 9110 §5.6.2.
    static func isTokenByte(_ byte: UInt8) -> Bool {
        if byte < 64 { return tokenMaskLow & (1 << UInt64(byte)) != 0 }
        if byte < 128 { return tokenMaskHigh & (1 << UInt64(byte - 64)) != 0 }
        return false
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    /// `OWS`: a space or a horizontal tab.
    static func isOptionalWhitespace(_ byte: UInt8) -> Bool { byte == space || byte == tab }

    /// `field-vchar / SP / HTAB` (VCHAR and obs-text); excludes NUL, CR, LF, other controls and DEL.
    static func isFieldValueByte(_ byte: UInt8) -> Bool {
        byte == tab || (byte >= 0x20 && byte != 0x7F)
    }

    /// `qdtext` of RFC 9110 §5.6.4.
    static func isQuotedTextByte(_ byte: UInt8) -> Bool {
        byte == tab || byte == space || byte == 0x21 || (byte >= 0x23 && byte <= 0x5B)
            || (byte >= 0x5D && byte <= 0x7E) || byte >= 0x80
    }

    /// The second byte of a `quoted-pair`.
    static func isQuotedPairByte(_ byte: UInt8) -> Bool {
        byte == tab || (byte >= 0x20 && byte != 0x7F)
    }

    static func lowercased(_ byte: UInt8) -> UInt8 {
        byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
    }

    static func hexValue(_ byte: UInt8) -> Int? {
        switch byte {
        case 0x30...0x39: return Int(byte - 0x30)
        case 0x41...0x46: return Int(byte - 0x41 + 10)
        case 0x61...0x66: return Int(byte - 0x61 + 10)
        default: return nil
        }
    }

    /// Whether `bytes` begin with the lower-case ASCII literal, ignoring ASCII case.
    static func startsCaseInsensitive<Bytes: Collection<UInt8>>(_ bytes: Bytes, _ lowercased: StaticString) -> Bool {
        guard bytes.count >= lowercased.utf8CodeUnitCount else { return false }
        return lowercased.withUTF8Buffer { expected in
            for (byte, wanted) in zip(bytes, expected) where Self.lowercased(byte) != wanted { return false }
            return true
        }
    }

    /// Compares raw bytes with a lower-case ASCII literal, ignoring case.
    static func equalsCaseInsensitive<Bytes: Collection<UInt8>>(_ bytes: Bytes, _ lowercased: StaticString) -> Bool {
        guard bytes.count == lowercased.utf8CodeUnitCount else { return false }
        return lowercased.withUTF8Buffer { expected in
            var index = 0
            for byte in bytes {
                let folded = byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
                if folded != expected[index] { return false }
                index += 1
            }
            return true
        }
    }
}
