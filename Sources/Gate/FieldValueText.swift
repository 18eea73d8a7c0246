/// Field values reach the Gate as the proxy's request parser reads them off the wire: one scalar
/// per received byte (U+0000–U+00FF, the WHATWG "isomorphic decode"), so that the proxy can
/// forward obs-text bytes exactly. The Gate compares values with ASCII, which reads the same
/// either way; `Host` is the one value it reads beyond ASCII (an IDN host sent raw in UTF-8).
public enum FieldValueText {
    /// The text a wire-form value stands for: its bytes read as UTF-8 (invalid bytes as
    /// U+FFFD, which no host name accepts). A scalar above U+00FF cannot come from the wire and
    /// stands for itself.
    public static func utf8Reading(of value: String) -> String {
        guard value.utf8.contains(where: { $0 >= 0x80 }) else { return value }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(value.utf8.count)
        for scalar in value.unicodeScalars {
            if scalar.value <= 0xFF {
                bytes.append(UInt8(truncatingIfNeeded: scalar.value))
            } else {
                bytes.append(contentsOf: String(scalar).utf8)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The wire form of `text` sent as UTF-8: what the proxy's parser would hand over for it
    /// (`freezegate classify` builds its heads this way).
    public static func wireForm(of text: String) -> String {
        guard text.utf8.contains(where: { $0 >= 0x80 }) else { return text }
        var scalars = String.UnicodeScalarView()
        for byte in text.utf8 { scalars.append(Unicode.Scalar(byte)) }
        return String(scalars)
    }
}
