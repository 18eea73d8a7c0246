import NIOCore
import Testing

@testable import HTTPHead

@Suite struct FieldValueEncodingTests {
    @Test func everyByteRoundTrips() {
        let bytes = (0...255).map(UInt8.init)
        let text = FieldValueEncoding.decode(bytes)
        #expect(text.unicodeScalars.count == 256)
        var out = ByteBuffer()
        FieldValueEncoding.write(text, into: &out)
        #expect(Array(out.readableBytesView) == bytes)
    }

    @Test func asciiIsTheSameString() {
        #expect(FieldValueEncoding.decode(Array("text/html; q=0.9".utf8)) == "text/html; q=0.9")
    }

    /// HPACK's values are UTF-8 text: read into the parser's form, they write back as that UTF-8.
    @Test func utf8TextIsReadAsItsBytes() {
        for text in ["plain ascii", "café", "отчёт за май.pdf", "日本語", "\u{FFFD}"] {
            let carried = FieldValueEncoding.decode(utf8Text: text)
            #expect(carried.unicodeScalars.allSatisfy { $0.value <= 0xFF }, "\(text)")
            var out = ByteBuffer()
            FieldValueEncoding.write(carried, into: &out)
            #expect(Array(out.readableBytesView) == Array(text.utf8), "\(text)")
        }
        #expect(FieldValueEncoding.decode(utf8Text: "text/html") == "text/html")
    }

    /// The fast paths (a contiguous OR of the bytes) agree with a byte-by-byte reading for a
    /// byte above 0x7F at any position, in arrays, array slices, and small and large native
    /// strings (the only kinds the gateway has on Linux).
    @Test func asciiIsRecognisedWhereverAHighByteIs() {
        for length in [0, 1, 7, 8, 15, 16, 17, 31, 32, 33, 64, 200] {
            let ascii = [UInt8](repeating: UInt8(ascii: "a"), count: length)
            #expect(FieldValueEncoding.isASCII(ascii))
            #expect(FieldValueEncoding.isASCII(String(decoding: ascii, as: UTF8.self)))
            for position in 0..<length {
                var bytes = ascii
                bytes[position] = 0x80
                #expect(!FieldValueEncoding.isASCII(bytes), "\(length) \(position)")
                #expect(!FieldValueEncoding.isASCII(bytes[...]), "\(length) \(position)")
                let text = FieldValueEncoding.decode(bytes)
                #expect(!FieldValueEncoding.isASCII(text), "\(length) \(position)")
                var out = ByteBuffer()
                FieldValueEncoding.write(text, into: &out)
                #expect(Array(out.readableBytesView) == bytes, "\(length) \(position)")
                #expect(FieldValueEncoding.withBytes(text) { Array($0) } == bytes, "\(length) \(position)")
            }
        }
        let text = "PHPSESSID=8f3c2a9d41b7e6f05c2d9a1b3e7f4c6d; lang=ru"
        #expect(FieldValueEncoding.withBytes(text) { Array($0) } == Array(text.utf8))
        #expect(FieldValueEncoding.withBytes("") { $0.count } == 0)
    }

    @Test func textAboveLatin1IsWrittenAsUTF8() {
        var out = ByteBuffer()
        FieldValueEncoding.write("1.1 шлюз", into: &out)
        #expect(Array(out.readableBytesView) == Array("1.1 шлюз".utf8))
    }
}
