import HTTPHead
import NIOCore
import Testing

@testable import Proxy

/// A field line written in one reservation must be byte for byte the line written piece by piece
/// (name, `: `, the value as ``FieldValueEncoding`` writes it, CRLF), wherever the buffer stands.
@Suite struct ByteBufferFieldLineTests {
    static let values: [String] = [
        "",
        "1",
        "keep-alive",
        "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8",
        FieldValueEncoding.decode([0x61, 0x80, 0xFF, 0x20, 0xD0, 0xBE]),  // obs-text, one scalar per byte
        FieldValueEncoding.decode(Array("attachment; filename=\"отчёт за май.pdf\"".utf8)),
        "composed → text",  // a scalar above U+00FF: written as UTF-8
        String(repeating: "x", count: 5000),
    ]

    static func pieceByPiece(name: String, value: String, after prefix: String) -> [UInt8] {
        var out = ByteBuffer()
        out.writeString(prefix)
        out.writeString(name)
        out.writeStaticString(": ")
        FieldValueEncoding.write(value, into: &out)
        out.writeStaticString("\r\n")
        return Array(out.readableBytesView)
    }

    @Test(arguments: ["", "GET / HTTP/1.1\r\n"])
    func aWireValueIsWrittenAsItsPiecesWould(prefix: String) {
        for name in ["A", "X-Request-Id", "Upgrade-Insecure-Requests-With-A-Long-Name"] {
            for value in Self.values {
                // A buffer with no room to spare, so the line's reservation has to grow it.
                var out = ByteBuffer()
                out.writeString(prefix)
                out.writeFieldLine(name: name, wireValue: value)
                #expect(
                    Array(out.readableBytesView) == Self.pieceByPiece(name: name, value: value, after: prefix),
                    "\(name): \(value.prefix(40))"
                )
            }
        }
    }

    @Test func composedTextIsWrittenAsItsUTF8() {
        for value in ["1.1 freezegate", "203.0.113.7", "", "1.1 шлюз", String(repeating: "7", count: 300)] {
            var out = ByteBuffer(string: "HTTP/1.1 200 OK\r\n")
            out.writeFieldLine(name: "Via", text: value)
            #expect(String(buffer: out) == "HTTP/1.1 200 OK\r\nVia: \(value)\r\n")
        }
    }

    @Test func linesFollowOneAnother() {
        var out = ByteBuffer()
        out.writeFieldLine(name: "Host", wireValue: "acme.s20.online")
        out.writeFieldLine(name: "X-Forwarded-For", text: "198.51.100.4")
        out.writeFieldLine(name: "Cookie", wireValue: "")
        #expect(String(buffer: out) == "Host: acme.s20.online\r\nX-Forwarded-For: 198.51.100.4\r\nCookie: \r\n")
    }
}
