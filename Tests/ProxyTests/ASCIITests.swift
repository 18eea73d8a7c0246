import Testing

@testable import Proxy

@Suite("ASCII character classes")
struct ASCIITests {
    @Test func tokenBytesAreExactlyTheTcharsOfRFC9110() {
        let tchars = Set("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".utf8)
        for byte in UInt8.min...UInt8.max {
            #expect(ASCII.isTokenByte(byte) == tchars.contains(byte), "byte \(byte)")
        }
    }

    @Test func caseInsensitiveComparisonFoldsOnlyASCIILetters() {
        #expect(ASCII.equalsCaseInsensitive(Array("Content-LENGTH".utf8), "content-length"))
        #expect(!ASCII.equalsCaseInsensitive(Array("content-lengt".utf8), "content-length"))
        // '[' (0x5B) is not '{' (0x7B) folded.
        #expect(!ASCII.equalsCaseInsensitive(Array("[".utf8), "{"))
        #expect(ASCII.lowercased(UInt8(ascii: "Q")) == UInt8(ascii: "q"))
        #expect(ASCII.lowercased(UInt8(ascii: "@")) == UInt8(ascii: "@"))
    }
}
