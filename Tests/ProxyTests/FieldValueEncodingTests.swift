import NIOCore
import Testing

@testable import Proxy

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

    @Test func textAboveLatin1IsWrittenAsUTF8() {
        var out = ByteBuffer()
        FieldValueEncoding.write("1.1 шлюз", into: &out)
        #expect(Array(out.readableBytesView) == Array("1.1 шлюз".utf8))
    }
}
