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

    @Test func textAboveLatin1IsWrittenAsUTF8() {
        var out = ByteBuffer()
        FieldValueEncoding.write("1.1 шлюз", into: &out)
        #expect(Array(out.readableBytesView) == Array("1.1 шлюз".utf8))
    }
}
