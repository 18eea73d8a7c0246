import Testing

@testable import Proxy

@Suite struct RequestIDGeneratorTests {
    @Test func thirtyTwoHexDigitsAndNoRepeats() {
        var generator = RequestIDGenerator()
        var seen = Set<String>()
        for _ in 0..<10_000 {
            let id = generator.next()
            #expect(id.count == 32)
            #expect(id.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) })
            seen.insert(id)
        }
        #expect(seen.count == 10_000)
    }

    @Test func twoGeneratorsDoNotRepeatEachOther() {
        var first = RequestIDGenerator()
        var second = RequestIDGenerator()
        #expect(first.next() != second.next())
    }

    @Test(arguments: [
        ("edge-1234", true), ("", false), ("a b", false), ("é", false), (String(repeating: "x", count: 201), false),
    ])
    func whatATrustedProxyMaySend(value: String, acceptable: Bool) {
        #expect(RequestIDGenerator.isAcceptable(value) == acceptable)
    }
}
