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

    /// The word-at-a-time search finds what a byte-by-byte one finds: every position of a CR or
    /// an LF (alone, after bytes that differ from them by one bit, 0x0C, 0x0E, 0x8D, 0x8A, and
    /// after a run of them) in buffers of every length around the 8-byte words, from every start.
    @Test func lineBreaksAreFoundWhereAByteByByteSearchFindsThem() {
        func naive(_ bytes: [UInt8], from start: Int) -> Int {
            var index = start
            while index < bytes.count, bytes[index] != 0x0D, bytes[index] != 0x0A { index += 1 }
            return index
        }
        let fillers: [UInt8] = [0x41, 0x0C, 0x0E, 0x8D, 0x8A, 0x0B, 0x09, 0xFF, 0x00, 0x2D]
        for length in 0...26 {
            for filler in fillers {
                for breakByte: UInt8 in [0x0D, 0x0A] {
                    for position in [-1] + Array(0..<length) {
                        var bytes = [UInt8](repeating: filler, count: length)
                        if position >= 0 { bytes[position] = breakByte }
                        for start in 0...length {
                            let found = bytes.withUnsafeBytes { ASCII.lineBreakIndex(in: $0, from: start) }
                            #expect(found == naive(bytes, from: start), "\(bytes) from \(start)")
                        }
                    }
                }
            }
        }
        // Mixed bytes: the first break wins.
        let line = Array("GET /a HTTP/1.1\r\nHost: x\r\n".utf8)
        #expect(line.withUnsafeBytes { ASCII.lineBreakIndex(in: $0, from: 0) } == 15)
        #expect(line.withUnsafeBytes { ASCII.lineBreakIndex(in: $0, from: 17) } == 24)
        #expect(line.withUnsafeBytes { ASCII.lineFeedIndex(in: $0, from: 0) } == 16)
        #expect(line.withUnsafeBytes { ASCII.lineFeedIndex(in: $0, from: 17) } == 25)
        #expect(line.withUnsafeBytes { ASCII.lineFeedIndex(in: $0, from: 26) } == 26)
        #expect([UInt8]().withUnsafeBytes { ASCII.lineFeedIndex(in: $0, from: 0) } == 0)
    }
}
