/// The value of a Content-Length field, read the one way both directions read it.
enum ContentLengthValue {
    /// `1*DIGIT` only: no sign, no hex, no list, no empty value, no whitespace (the caller trims
    /// the field's optional whitespace). At most 18 digits, so the value always fits an `Int`.
    static func parse<Bytes: Collection<UInt8>>(_ value: Bytes) -> Int? {
        guard !value.isEmpty, value.count <= 18 else { return nil }
        var result = 0
        for byte in value {
            guard ASCII.isDigit(byte) else { return nil }
            result = result * 10 + Int(byte - ASCII.zero)
        }
        return result
    }
}
