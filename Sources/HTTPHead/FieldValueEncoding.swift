import NIOCore

/// Field values cross the gateway as `String`s (NIO's `HTTPHeaders`) but must leave exactly as
/// they arrived: RFC 9110 §5.5 allows obs-text (bytes 0x80–0xFF) in a value, and such bytes are
/// often not UTF-8 (cookies, file names from old clients). A UTF-8 reading would turn them into
/// U+FFFD for good. So the request parser maps each byte to the scalar with the same number
/// (ISO-8859-1, the WHATWG "isomorphic decode") and the writers map each scalar back to its byte.
/// ASCII, nearly every value, reads the same either way and takes the fast path.
public enum FieldValueEncoding {
    /// The value's bytes, one scalar per byte.
    @inlinable
    public static func decode<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> String {
        if Self.isASCII(bytes) {
            return String(decoding: bytes, as: UTF8.self)
        }
        var scalars = String.UnicodeScalarView()
        for byte in bytes { scalars.append(Unicode.Scalar(byte)) }
        return String(scalars)
    }

    /// A value given as UTF-8 text (HPACK's strings) in the form ``decode(_:)`` gives: one scalar
    /// per byte of its UTF-8. ASCII reads the same in both and is returned as it is, uncopied.
    public static func decode(utf8Text value: String) -> String {
        if Self.isASCII(value) { return value }
        return Self.decode(value.utf8)
    }

    /// The bytes ``decode(_:)`` read `value` from (scalars above U+00FF as UTF-8, as in `write`).
    public static func bytes(_ value: String) -> [UInt8] {
        if Self.isASCII(value) { return Array(value.utf8) }
        var bytes: [UInt8] = []
        for scalar in value.unicodeScalars {
            if scalar.value <= 0xFF {
                bytes.append(UInt8(truncatingIfNeeded: scalar.value))
            } else {
                bytes.append(contentsOf: String(scalar).utf8)
            }
        }
        return bytes
    }

    /// Writes `value` as the bytes ``decode(_:)`` read it from. A scalar above U+00FF cannot come
    /// from the wire (only from text the gateway composed itself) and is written as UTF-8.
    public static func write(_ value: String, into out: inout ByteBuffer) {
        Self.withBytes(value) { _ = out.writeBytes($0) }
    }

    /// Calls `body` with the bytes ``decode(_:)`` read `value` from: an ASCII value's own storage,
    /// uncopied (nearly every value), else the bytes of ``bytes(_:)``.
    public static func withBytes<Result>(_ value: String, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        guard Self.isASCII(value) else { return Self.bytes(value).withUnsafeBufferPointer(body) }
        var value = value  // `withUTF8` makes the bytes contiguous where they are not (a native string's are)
        return value.withUTF8(body)
    }

    /// True when no byte is above 0x7F. Every header byte of every request passes through here,
    /// so the bytes are read whole where they are contiguous (a native string's, an array's):
    /// an OR of all of them, which the compiler turns into vector instructions, rather than an
    /// element-by-element search through a collection's iterator.
    public static func isASCII(_ value: String) -> Bool {
        // A native string records whether it is ASCII when it is made; a string that does not
        // know (or is not) is read.
        value.utf8Span.isKnownASCII || Self.isASCII(value.utf8)
    }

    @inlinable
    public static func isASCII<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> Bool {
        bytes.withContiguousStorageIfAvailable { Self.isASCII(contiguous: $0) }
            ?? !bytes.contains(where: { $0 >= 0x80 })
    }

    public static func isASCII(contiguous bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var combined: UInt8 = 0
        for byte in bytes { combined |= byte }
        return combined < 0x80
    }
}
