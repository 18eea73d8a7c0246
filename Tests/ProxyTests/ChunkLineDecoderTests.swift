import Testing

@testable import Proxy

/// The chunk framing both parsers share: the same lines accepted and refused in both directions,
/// except where the request side is strict on purpose.
struct ChunkLineDecoderTests {
    /// Feeds `text` and returns every step that was not `.more`, stopping at the first refusal.
    private func steps(_ text: String, _ strictness: ChunkLineDecoder.Strictness) -> [ChunkLineDecoder.Step] {
        var decoder = ChunkLineDecoder(strictness: strictness)
        var steps: [ChunkLineDecoder.Step] = []
        var bytes = Array(text.utf8)[...]
        while let byte = bytes.popFirst() {
            let step = decoder.step(byte)
            switch step {
            case .more:
                continue
            case .data(let size):
                steps.append(step)
                bytes = bytes.dropFirst(size)  // the parser passes the data on itself
            case .lastChunk:
                steps.append(step)
            case .invalid:
                steps.append(step)
                return steps
            }
        }
        return steps
    }

    @Test(arguments: [ChunkLineDecoder.Strictness.strict, .lenient])
    func aWellFormedBodyIsFramedTheSameInBothDirections(strictness: ChunkLineDecoder.Strictness) {
        #expect(
            self.steps("5\r\nhello\r\n1a\r\n\(String(repeating: "x", count: 26))\r\n0\r\n", strictness)
                == [.data(size: 5), .data(size: 26), .lastChunk]
        )
        #expect(
            self.steps("A;name=value;q=\"a \\\"b\\\"\"\r\n0123456789\r\n0\r\n", strictness) == [
                .data(size: 10), .lastChunk,
            ]
        )
        #expect(self.steps("3 ;ext\r\nabc\r\n0\r\n", strictness) == [.data(size: 3), .lastChunk])
        #expect(self.steps("00000000000000f\r\n", strictness) == [.data(size: 15)])
    }

    @Test(arguments: [ChunkLineDecoder.Strictness.strict, .lenient])
    func whatCouldHideALineBreakOrASizeIsRefusedInBothDirections(strictness: ChunkLineDecoder.Strictness) {
        #expect(self.steps("\r\n", strictness) == [.invalid("invalid chunk size")])
        #expect(self.steps("-5\r\n", strictness) == [.invalid("invalid chunk size")])
        #expect(self.steps("0x5\r\n", strictness) == [.invalid("invalid chunk size")])
        #expect(self.steps("1000000000000000\r\n", strictness) == [.invalid("chunk size too large")])
        #expect(self.steps("5\rhello", strictness) == [.invalid("bare CR in chunk size line")])
        #expect(self.steps("5\nhello", strictness) == [.invalid("invalid chunk size")])
        #expect(self.steps("5;a\nb\r\n", strictness) == [.invalid("invalid chunk extension")])
        #expect(self.steps("5;a\u{0}\r\n", strictness) == [.invalid("invalid chunk extension")])
        #expect(
            self.steps("2\r\nabc\r\n", strictness) == [.data(size: 2), .invalid("chunk data longer than its size")]
        )
        #expect(self.steps("2\r\nab\r0\r\n", strictness) == [.data(size: 2), .invalid("bare CR after chunk data")])
    }

    /// A request is read to the letter of RFC 9112: what a lenient upstream could read another way
    /// is refused; a response is read as nginx reads one.
    @Test func onlyTheRequestSideEnforcesTheExtensionGrammarAndNoWhitespaceBeforeTheLineEnd() {
        let lenientOnly = [
            "5 \r\nhello\r\n", "5;=v\r\nhello\r\n", "5;a=\"open\r\nhello\r\n",
            "5;a@b\r\nhello\r\n",
        ]
        for line in lenientOnly {
            #expect(self.steps(line, .lenient) == [.data(size: 5)], "\(line.debugDescription)")
            #expect(
                self.steps(line, .strict).last.map { if case .invalid = $0 { true } else { false } } == true,
                "\(line.debugDescription)"
            )
        }
    }

    @Test func resetStartsANewBodyWhateverCameBefore() {
        var decoder = ChunkLineDecoder(strictness: .strict)
        _ = decoder.step(UInt8(ascii: "5"))
        _ = decoder.step(UInt8(ascii: ";"))
        decoder.reset()
        #expect(decoder.step(UInt8(ascii: "0")) == .more)
        #expect(decoder.step(UInt8(ascii: "\r")) == .more)
        #expect(decoder.step(UInt8(ascii: "\n")) == .lastChunk)
    }
}
