import Testing

@testable import Proxy

/// Content-Length as requests, responses and the forwarded head all read it.
struct ContentLengthValueTests {
    @Test func digitsOnly() {
        #expect(ContentLengthValue.parse("0".utf8) == 0)
        #expect(ContentLengthValue.parse("123".utf8) == 123)
        #expect(ContentLengthValue.parse(ArraySlice("000000000000000042".utf8)) == 42)
        #expect(ContentLengthValue.parse("999999999999999999".utf8) == 999_999_999_999_999_999)
        for bad in [
            "", "+5", "-5", "0x5", "5, 6", "5,5", " 5", "5 ", "5a", "1 0", "9999999999999999999", "1e3", "\u{0}",
        ] {
            #expect(ContentLengthValue.parse(bad.utf8) == nil, "\(bad.debugDescription)")
        }
    }
}
