import Foundation

/// Base64 bodies and "B" encoded words: line breaks and stray characters are skipped, as mail
/// readers do; a body that does not decode yields nothing rather than garbage.
public enum Base64Body {
    public static func decode(_ text: [UInt8]) -> [UInt8] {
        var alphabet = text.filter { byte in
            (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "+")
                || byte == UInt8(ascii: "/")
        }
        while alphabet.count % 4 != 0 { alphabet.append(UInt8(ascii: "=")) }
        guard let data = Data(base64Encoded: Data(alphabet)) else { return [] }
        return [UInt8](data)
    }
}
