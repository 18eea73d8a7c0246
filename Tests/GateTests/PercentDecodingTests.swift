import Testing

@testable import Gate

@Suite struct PercentDecodingTests {
    func decode(_ text: String, unicode: Bool = false) -> String {
        String(decoding: PercentDecoding.decodeOnce(Array(text.utf8), unicodeEscapes: unicode), as: UTF8.self)
    }

    @Test(arguments: [
        ("abc", "abc"),
        ("%41%62c", "Abc"),
        ("%2e%2E", ".."),
        ("%252e", "%2e"),
        ("%%32%65", "%2e"),
        ("%zz", "%zz"),
        ("%", "%"),
        ("%4", "%4"),
        ("100%", "100%"),
        ("%u002e", "%u002e"),
    ])
    func oneRound(input: String, expected: String) {
        #expect(self.decode(input) == expected)
    }

    @Test func unicodeEscapes() {
        #expect(self.decode("%u002e%u002E", unicode: true) == "..")
        #expect(self.decode("%uFF43", unicode: true) == "ｃ")
        #expect(self.decode("%uD800", unicode: true) == "%uD800")
        #expect(self.decode("%u12", unicode: true) == "%u12")
    }

    @Test func escapeDetection() {
        #expect(PercentDecoding.containsValidEscape(Array("a%2eb".utf8)))
        #expect(PercentDecoding.containsValidEscape(Array("%u0041".utf8)))
        #expect(!PercentDecoding.containsValidEscape(Array("a%zz%".utf8)))
        #expect(PercentDecoding.invalidEscapes(in: Array("%zz".utf8)) == (true, false))
        #expect(PercentDecoding.invalidEscapes(in: Array("%u0041".utf8)) == (false, true))
        #expect(PercentDecoding.invalidEscapes(in: Array("%41".utf8)) == (false, false))
        #expect(PercentDecoding.escaped(0x0A) == "%0a")
        #expect(PercentDecoding.escaped(0xFF) == "%ff")
    }
}
