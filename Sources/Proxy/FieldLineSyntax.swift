/// The syntax of one field line (RFC 9112 §5), shared by the request and the response parsers:
/// `field-name ":" OWS field-value OWS` with no obs-fold, no whitespace before the colon and no
/// control bytes.
enum FieldLineSyntax {
    /// Where the name and the value are.
    struct Parts: Equatable {
        var name: Range<Int>
        /// Without surrounding whitespace.
        var value: Range<Int>
    }

    /// The parts of the line `bytes[start..<end]` (without its CRLF), or why it is invalid.
    static func parse(_ bytes: UnsafeRawBufferPointer, start: Int, end: Int) -> Result<Parts, Problem> {
        guard start < end else { return .failure(Problem("empty field line")) }
        if bytes[start] == ASCII.space || bytes[start] == ASCII.tab {
            return .failure(Problem("obsolete line folding"))
        }
        // The name's bytes are tokens up to the colon: one pass finds both in a valid line; any
        // other line is judged again below, by the rules in their order.
        var colon = start
        while colon < end, ASCII.isTokenByte(bytes[colon]) { colon += 1 }
        if colon == end || bytes[colon] != ASCII.colon || colon == start {
            return .failure(Self.nameProblem(bytes, start: start, end: end))
        }
        var valueStart = colon + 1
        var valueEnd = end
        guard Self.isFieldValue(UnsafeRawBufferPointer(rebasing: bytes[valueStart..<end])) else {
            return .failure(Problem("control byte in field value"))
        }
        while valueStart < valueEnd, bytes[valueStart] == ASCII.space || bytes[valueStart] == ASCII.tab {
            valueStart += 1
        }
        while valueEnd > valueStart, bytes[valueEnd - 1] == ASCII.space || bytes[valueEnd - 1] == ASCII.tab {
            valueEnd -= 1
        }
        return .success(Parts(name: start..<colon, value: valueStart..<valueEnd))
    }

    /// Why the name part of a line whose name is not all tokens up to a colon is invalid.
    private static func nameProblem(_ bytes: UnsafeRawBufferPointer, start: Int, end: Int) -> Problem {
        var colon = start
        while colon < end, bytes[colon] != ASCII.colon { colon += 1 }
        guard colon < end else { return Problem("field line without colon") }
        guard colon > start else { return Problem("empty field name") }
        for index in start..<colon where !ASCII.isTokenByte(bytes[index]) {
            if bytes[index] == ASCII.space || bytes[index] == ASCII.tab {
                return Problem("whitespace before colon")
            }
            break
        }
        return Problem("invalid byte in field name")
    }

    /// True when every byte is a field value's (``ASCII/isFieldValueByte(_:)``). Values are most
    /// of a head's bytes, so the check runs over all of them without an early exit or a branch
    /// per byte, which the compiler turns into vector instructions.
    static func isFieldValue(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var invalid: UInt8 = 0
        for byte in bytes {
            let control: UInt8 = byte < 0x20 ? 1 : 0
            let notTab: UInt8 = byte != ASCII.tab ? 1 : 0
            let delete: UInt8 = byte == 0x7F ? 1 : 0
            invalid |= (control & notTab) | delete
        }
        return invalid == 0
    }

    /// Why a field line is invalid, in the words of the 400/502 reasons.
    struct Problem: Error, Equatable {
        var reason: String
        init(_ reason: String) { self.reason = reason }
    }
}
