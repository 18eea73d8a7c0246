/// A request target that is not UTF-8 (raw bytes 0x80–0xFF that are not UTF-8's, e.g. Latin-1
/// `é` as 0xE9), which a `String` cannot hold as received. The gateway reads it as its text with
/// those bytes percent-encoded (`%E9`: every URL decoder reads the same bytes, and the Gate
/// treats them as the invalid UTF-8 they are), and forwards the bytes it received.
public enum NonUTF8Target {
    /// `bytes` with every byte above 0x7F percent-encoded (upper-case hex digits).
    public static func text(of bytes: some Collection<UInt8>) -> String {
        var text: [UInt8] = []
        text.reserveCapacity(bytes.count * 3)
        for byte in bytes {
            if byte >= 0x80 {
                text.append(UInt8(ascii: "%"))
                text.append(Self.hexDigits[Int(byte >> 4)])
                text.append(Self.hexDigits[Int(byte & 0x0F)])
            } else {
                text.append(byte)
            }
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// The bytes received for `tail`, a tail of `text(of: received)` (the whole target, or its
    /// origin form cut out of an absolute-form target), or nil when `tail` is not one — e.g. a
    /// target the Gate rewrote, which is forwarded as its text.
    public static func receivedBytes(of tail: String, in received: [UInt8]) -> ArraySlice<UInt8>? {
        let whole = Array(Self.text(of: received).utf8)
        let tailBytes = Array(tail.utf8)
        guard tailBytes.count <= whole.count, whole.suffix(tailBytes.count).elementsEqual(tailBytes) else {
            return nil
        }
        // Walk the received bytes until their text reaches the tail's start; a start inside the
        // `%XX` of one byte is no tail of the received bytes.
        let start = whole.count - tailBytes.count
        var textCount = 0
        var index = received.startIndex
        while textCount < start, index < received.endIndex {
            textCount += received[index] >= 0x80 ? 3 : 1
            index += 1
        }
        return textCount == start ? received[index...] : nil
    }

    private static let hexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)
}
