extension Substring {
    /// Drops leading and trailing whitespace as Foundation's `.whitespaces` defines it (tab, the
    /// Unicode space separators and U+200B zero width space), without bridging to Foundation:
    /// header values are trimmed on every blocked request, where `trimmingCharacters(in:)` cost
    /// more than the rest of the decision.
    func trimmingWhitespace() -> Substring {
        var scalars = self.unicodeScalars
        while let first = scalars.first, Self.isWhitespace(first) { scalars = scalars.dropFirst() }
        while let last = scalars.last, Self.isWhitespace(last) { scalars = scalars.dropLast() }
        return Substring(scalars)
    }

    private static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        if scalar == " " || scalar == "\t" { return true }
        guard scalar.value >= 0x80 else { return false }
        return scalar == "\u{200B}" || scalar.properties.generalCategory == .spaceSeparator
    }
}
