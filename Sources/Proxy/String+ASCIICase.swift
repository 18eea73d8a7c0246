extension String {
    /// Compares with a lower-case ASCII literal ignoring ASCII case, without allocating
    /// (header names are compared on every request).
    func equalsIgnoringASCIICase(_ lowercased: StaticString) -> Bool {
        // The length first (stored, O(1)): most names compared differ in it, and reaching the
        // bytes costs a copy of the string's reference (or of a small string's bytes).
        guard self.utf8.count == lowercased.utf8CodeUnitCount else { return false }
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

    /// Compares two strings ignoring ASCII case, without allocating.
    func equalsIgnoringASCIICase(_ other: String) -> Bool {
        guard self.utf8.count == other.utf8.count else { return false }
        var own = self
        var other = other
        return own.withUTF8 { left in
            other.withUTF8 { right in
                guard left.count == right.count else { return false }
                for index in 0..<left.count {
                    let a = left[index]
                    let b = right[index]
                    if a == b { continue }
                    let foldedA = a >= 0x41 && a <= 0x5A ? a | 0x20 : a
                    let foldedB = b >= 0x41 && b <= 0x5A ? b | 0x20 : b
                    if foldedA != foldedB { return false }
                }
                return true
            }
        }
    }

    /// Whether the string starts with a lower-case ASCII literal, ignoring ASCII case.
    func hasPrefixIgnoringASCIICase(_ lowercased: StaticString) -> Bool {
        guard self.utf8.count >= lowercased.utf8CodeUnitCount else { return false }
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
