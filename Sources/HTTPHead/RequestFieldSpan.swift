/// Where one field's line lies in ``RequestFields/lines``: from `lineStart` to `lineEnd` (its CRLF
/// included), the name up to `nameEnd`, the value from `valueStart` to `valueEnd` — without the
/// whitespace the client may have put around it, which stays in the line (`name:value`,
/// `name:  value  ` go upstream as they came).
/// Offsets of 32 bits: a request head is far below 4 GiB, and a dozen spans fit a cache line or two.
@usableFromInline
struct RequestFieldSpan: Sendable, Equatable {
    @usableFromInline let lineStart: UInt32
    @usableFromInline let nameEnd: UInt32
    @usableFromInline let valueStart: UInt32
    @usableFromInline let valueEnd: UInt32
    @usableFromInline let lineEnd: UInt32

    @inlinable
    init(lineStart: Int, nameEnd: Int, valueStart: Int, valueEnd: Int, lineEnd: Int) {
        self.lineStart = UInt32(truncatingIfNeeded: lineStart)
        self.nameEnd = UInt32(truncatingIfNeeded: nameEnd)
        self.valueStart = UInt32(truncatingIfNeeded: valueStart)
        self.valueEnd = UInt32(truncatingIfNeeded: valueEnd)
        self.lineEnd = UInt32(truncatingIfNeeded: lineEnd)
    }

    @inlinable var nameRange: Range<Int> { Int(self.lineStart)..<Int(self.nameEnd) }

    @inlinable var valueRange: Range<Int> { Int(self.valueStart)..<Int(self.valueEnd) }

    @inlinable var lineRange: Range<Int> { Int(self.lineStart)..<Int(self.lineEnd) }

    /// The same parts of the same line, the line moved to start at `lineStart`.
    @inlinable
    func moved(to lineStart: Int) -> RequestFieldSpan {
        let offset = lineStart - Int(self.lineStart)
        return RequestFieldSpan(
            lineStart: lineStart,
            nameEnd: Int(self.nameEnd) + offset,
            valueStart: Int(self.valueStart) + offset,
            valueEnd: Int(self.valueEnd) + offset,
            lineEnd: Int(self.lineEnd) + offset
        )
    }
}
