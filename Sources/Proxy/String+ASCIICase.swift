extension String {
    /// Compares with a lower-case ASCII literal ignoring ASCII case, without allocating
    /// (header names are compared on every request).
    func equalsIgnoringASCIICase(_ lowercased: StaticString) -> Bool {
        var own = self
        return own.withUTF8 { bytes in
            guard bytes.count == lowercased.utf8CodeUnitCount else { return false }
            return lowercased.withUTF8Buffer { expected in
                for index in 0..<bytes.count {
                    let byte = bytes[index]
                    let folded = byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
                    if folded != expected[index] { return false }
                }
                return true
            }
        }
    }

    /// Whether the string starts with a lower-case ASCII literal, ignoring ASCII case.
    func hasPrefixIgnoringASCIICase(_ lowercased: StaticString) -> Bool {
        var own = self
        return own.withUTF8 { bytes in
            guard bytes.count >= lowercased.utf8CodeUnitCount else { return false }
            return lowercased.withUTF8Buffer { expected in
                for index in 0..<expected.count {
                    let byte = bytes[index]
                    let folded = byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
                    if folded != expected[index] { return false }
                }
                return true
            }
        }
    }
}
