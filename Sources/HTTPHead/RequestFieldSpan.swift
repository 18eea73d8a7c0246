/// Where one field's line lies in ``RequestFields/lines``: `name: value` CRLF from `lineStart`, the
/// name up to `nameEnd`, the value from `nameEnd + 2` (after `: `) up to `valueEnd`, then CRLF.
/// Offsets of 32 bits: a request head is far below 4 GiB, and a dozen spans fit a cache line or two.
@usableFromInline
struct RequestFieldSpan: Sendable, Equatable {
    @usableFromInline let lineStart: UInt32
    @usableFromInline let nameEnd: UInt32
    @usableFromInline let valueEnd: UInt32

    @inlinable
    init(lineStart: Int, nameEnd: Int, valueEnd: Int) {
        self.lineStart = UInt32(truncatingIfNeeded: lineStart)
        self.nameEnd = UInt32(truncatingIfNeeded: nameEnd)
        self.valueEnd = UInt32(truncatingIfNeeded: valueEnd)
    }

    @inlinable var nameRange: Range<Int> { Int(self.lineStart)..<Int(self.nameEnd) }

    @inlinable var valueRange: Range<Int> { (Int(self.nameEnd) + 2)..<Int(self.valueEnd) }

    @inlinable var lineRange: Range<Int> { Int(self.lineStart)..<(Int(self.valueEnd) + 2) }
}
