import Testing

@testable import Proxy

@Suite("FieldLineSyntax")
struct FieldLineSyntaxTests {
    static func parse(_ line: String) -> Result<FieldLineSyntax.Parts, FieldLineSyntax.Problem> {
        Array(line.utf8).withUnsafeBytes { FieldLineSyntax.parse($0, start: 0, end: $0.count) }
    }

    @Test(arguments: [
        ("X-A: b c\t", 0..<3, 5..<8), ("X-A:", 0..<3, 4..<4), ("k:v", 0..<1, 2..<3), ("k: \t v \t", 0..<1, 5..<6),
    ])
    func validLines(line: String, name: Range<Int>, value: Range<Int>) throws {
        let parts = try Self.parse(line).get()
        #expect(parts == FieldLineSyntax.Parts(name: name, value: value))
    }

    @Test(arguments: [
        ("", "empty field line"), (" X-A: b", "obsolete line folding"), ("\tX-A: b", "obsolete line folding"),
        ("X-A b", "field line without colon"), (": b", "empty field name"), ("X-A : b", "whitespace before colon"),
        ("X(A): b", "invalid byte in field name"), ("X-A: a\u{0}b", "control byte in field value"),
        ("X-A: a\rb", "control byte in field value"), ("X-A: a\u{7F}", "control byte in field value"),
        ("X A: b", "whitespace before colon"), ("X\u{1}A: b", "invalid byte in field name"),
        ("X A b", "field line without colon"),
        ("X-A\tb", "field line without colon"), ("X(A) B: c", "invalid byte in field name"), (":", "empty field name"),
        ("X-A", "field line without colon"), ("X-A\u{80}: b", "invalid byte in field name"),
    ])
    func invalidLines(line: String, reason: String) {
        #expect(Self.parse(line) == .failure(FieldLineSyntax.Problem(reason)))
    }

    /// Every byte value at every position of a 40-byte value (longer than any vector the
    /// compiler checks at once): the controls but HTAB, and DEL, refuse the line; the rest pass.
    @Test func everyByteIsJudgedAtEveryPositionOfAValue() {
        let prefix = Array("X-Long: ".utf8)
        for byte in UInt8.min...UInt8.max where byte != 0x20 && byte != 0x09 {
            let valid = byte >= 0x20 && byte != 0x7F
            for position in 0..<40 {
                var line = prefix + [UInt8](repeating: UInt8(ascii: "v"), count: 40)
                line[prefix.count + position] = byte
                let result = line.withUnsafeBytes { FieldLineSyntax.parse($0, start: 0, end: $0.count) }
                if valid {
                    #expect((try? result.get()) != nil, "byte \(byte) at \(position)")
                } else {
                    #expect(
                        result == .failure(FieldLineSyntax.Problem("control byte in field value")),
                        "byte \(byte) at \(position)"
                    )
                }
            }
        }
    }
}
