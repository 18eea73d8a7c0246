import Foundation
import Testing

@testable import Gate

/// The Swift trim agrees with Foundation's `trimmingCharacters(in: .whitespaces)`, which it replaces.
@Suite struct SubstringWhitespaceTests {
    static let pieces = [
        " ", "\t", "\u{A0}", "\u{2003}", "\u{3000}", "\u{202F}", "\n", "\r", "\u{200B}", "a", "q=0.5", "text/html",
        ";", "é", "\u{301}", "Ж", "*",
    ]

    @Test func agreesWithFoundationOnGeneratedValues() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<5_000 {
            let count = Int.random(in: 0...6, using: &generator)
            let text = (0..<count).map { _ in Self.pieces.randomElement(using: &generator) ?? "" }.joined()
            #expect(
                String(text[...].trimmingWhitespace()) == text.trimmingCharacters(in: .whitespaces),
                "\(Array(text.unicodeScalars))"
            )
        }
    }

    @Test func agreesWithFoundationOnEveryScalar() {
        for value in UInt32(0)...0x10FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let text = "\(Character(scalar))x"
            #expect(
                String(text[...].trimmingWhitespace()) == text.trimmingCharacters(in: .whitespaces),
                "U+\(String(value, radix: 16))"
            )
        }
    }

    @Test func keepsWhatIsNotWhitespace() {
        #expect(" \t application/json \u{A0}"[...].trimmingWhitespace() == "application/json")
        #expect("\n x \r"[...].trimmingWhitespace() == "\n x \r")
        #expect(""[...].trimmingWhitespace() == "")
        #expect(" \t "[...].trimmingWhitespace() == "")
    }
}
