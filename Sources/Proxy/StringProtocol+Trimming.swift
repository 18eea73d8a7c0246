extension StringProtocol {
    /// Drops leading and trailing SP/HTAB (HTTP's optional whitespace).
    func trimmingASCIIWhitespace() -> Substring {
        var slice = self[...]
        while let first = slice.first, first == " " || first == "\t" { slice = slice.dropFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice = slice.dropLast() }
        return Substring(slice)
    }
}
