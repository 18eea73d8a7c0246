/// The framing of a chunked body around its data (RFC 9112 §7.1): the size line with its
/// extensions, and the CRLF that ends each chunk's data. One decoder for both directions, so a
/// request and a response are framed by the same rules; the data itself and the trailer section
/// are the parser's (each copies data its own way: request indices, response slices).
///
/// Fed one byte at a time, between chunks only: after ``Step/data(size:)`` the parser passes the
/// `size` bytes of data on itself and feeds the decoder again from the byte after them.
struct ChunkLineDecoder: Sendable, Equatable {
    /// How much of the chunk-size line's grammar is enforced.
    enum Strictness: Sendable, Equatable {
        /// Requests: the grammar to the letter. Whitespace after the size only before a `;`, and
        /// every extension a token, optionally `= token / quoted-string`: a client's request is
        /// refused rather than read in a way the upstream might read differently.
        case strict
        /// Responses: whitespace may end the size, and an extension may be any field-value bytes.
        /// The upstream is trusted to frame its own responses and extensions carry nothing the
        /// gateway uses; what is still refused is what could hide a line break (CR, LF, NUL, other
        /// control bytes), a size that is not hexadecimal, or one over 15 digits.
        case lenient
    }

    /// What one byte completed.
    enum Step: Sendable, Equatable {
        /// Nothing yet: more of the line or of the CRLF after the data.
        case more
        /// A size line ended: `size` bytes of data follow (never 0).
        case data(size: Int)
        /// The last chunk's line (size 0) ended: the trailer section follows.
        case lastChunk
        /// The byte breaks the grammar; the reason is for the log and the 400.
        case invalid(String)
    }

    private enum State: Sendable, Equatable {
        case size(digits: Int, value: Int)
        /// Whitespace after the size.
        case sizeWhitespace(value: Int)
        /// Within the extensions (`;` seen). The flags track the strict grammar only.
        case extensionPart(value: Int, expectingName: Bool, inQuotes: Bool, escaped: Bool)
        case sizeLF(value: Int)
        case dataCR
        case dataLF
    }

    let strictness: Strictness
    private var state: State = .size(digits: 0, value: 0)

    init(strictness: Strictness) {
        self.strictness = strictness
    }

    /// Starts over for a new chunked body.
    mutating func reset() {
        self.state = .size(digits: 0, value: 0)
    }

    mutating func step(_ byte: UInt8) -> Step {
        switch self.state {
        case .size(let digits, let value):
            if let digit = ASCII.hexValue(byte) {
                guard digits < 15 else { return .invalid("chunk size too large") }
                self.state = .size(digits: digits + 1, value: value << 4 | digit)
            } else if digits == 0 {
                return .invalid("invalid chunk size")
            } else if byte == ASCII.cr {
                self.state = .sizeLF(value: value)
            } else if byte == ASCII.semicolon {
                self.state = .extensionPart(value: value, expectingName: true, inQuotes: false, escaped: false)
            } else if byte == ASCII.space || byte == ASCII.tab {
                self.state = .sizeWhitespace(value: value)
            } else {
                return .invalid("invalid chunk size")
            }
        case .sizeWhitespace(let value):
            if byte == ASCII.space || byte == ASCII.tab {
                return .more
            } else if byte == ASCII.semicolon {
                self.state = .extensionPart(value: value, expectingName: true, inQuotes: false, escaped: false)
            } else if byte == ASCII.cr && self.strictness == .lenient {
                self.state = .sizeLF(value: value)
            } else {
                return .invalid("invalid chunk size")
            }
        case .extensionPart(let value, let expectingName, let inQuotes, let escaped):
            switch self.strictness {
            case .strict:
                return self.strictExtensionByte(
                    byte,
                    value: value,
                    expectingName: expectingName,
                    inQuotes: inQuotes,
                    escaped: escaped
                )
            case .lenient:
                if byte == ASCII.cr {
                    self.state = .sizeLF(value: value)
                } else if !ASCII.isFieldValueByte(byte) {
                    return .invalid("invalid chunk extension")
                }
            }
        case .sizeLF(let value):
            guard byte == ASCII.lf else { return .invalid("bare CR in chunk size line") }
            if value == 0 {
                self.state = .size(digits: 0, value: 0)
                return .lastChunk
            }
            self.state = .dataCR
            return .data(size: value)
        case .dataCR:
            guard byte == ASCII.cr else { return .invalid("chunk data longer than its size") }
            self.state = .dataLF
        case .dataLF:
            guard byte == ASCII.lf else { return .invalid("bare CR after chunk data") }
            self.state = .size(digits: 0, value: 0)
        }
        return .more
    }

    /// `chunk-ext = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] )`, names and
    /// unquoted values tokens, quoted values with their escapes.
    private mutating func strictExtensionByte(
        _ byte: UInt8,
        value: Int,
        expectingName: Bool,
        inQuotes: Bool,
        escaped: Bool
    ) -> Step {
        if inQuotes {
            if escaped {
                guard ASCII.isQuotedPairByte(byte) else { return .invalid("invalid chunk extension") }
                self.state = .extensionPart(value: value, expectingName: false, inQuotes: true, escaped: false)
            } else if byte == ASCII.backslash {
                self.state = .extensionPart(value: value, expectingName: false, inQuotes: true, escaped: true)
            } else if byte == ASCII.quote {
                self.state = .extensionPart(value: value, expectingName: false, inQuotes: false, escaped: false)
            } else if !ASCII.isQuotedTextByte(byte) {
                return .invalid("invalid chunk extension")
            }
            return .more
        }
        if expectingName {
            if byte == ASCII.space || byte == ASCII.tab { return .more }
            guard ASCII.isTokenByte(byte) else { return .invalid("invalid chunk extension") }
            self.state = .extensionPart(value: value, expectingName: false, inQuotes: false, escaped: false)
        } else if byte == ASCII.cr {
            self.state = .sizeLF(value: value)
        } else if byte == ASCII.semicolon {
            self.state = .extensionPart(value: value, expectingName: true, inQuotes: false, escaped: false)
        } else if byte == ASCII.quote {
            self.state = .extensionPart(value: value, expectingName: false, inQuotes: true, escaped: false)
        } else if !(ASCII.isTokenByte(byte) || byte == ASCII.equals || byte == ASCII.space || byte == ASCII.tab) {
            return .invalid("invalid chunk extension")
        }
        return .more
    }
}
