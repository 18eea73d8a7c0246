import NIOCore
import NIOHPACK
import Testing

@testable import Proxy

@Suite struct HTTP2ResponseTranslatorTests {
    static func head(_ text: String) throws -> UpstreamResponseHead {
        var parser = UpstreamResponseParser()
        parser.requestSent(isHEAD: false)
        var buffer = ByteBuffer(string: text)
        guard case .head(let head) = try parser.next(&buffer) else {
            throw UpstreamResponseParser.Failure(reason: "no head")
        }
        return head
    }

    @Test func statusFirstNamesLowerCaseHopByHopFieldsGone() throws {
        let head = try Self.head(
            "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: keep-alive, X-Hop\r\nKeep-Alive: timeout=5\r\n"
                + "X-Hop: 1\r\nTransfer-Encoding: chunked\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\nX-Request-Id: r1\r\n\r\n"
        )
        let headers = HTTP2ResponseTranslator.headers(of: head)
        let fields = headers.map { ($0.name, $0.value) }
        #expect(fields.map { $0.0 } == [":status", "content-type", "set-cookie", "set-cookie", "x-request-id"])
        #expect(fields[0].1 == "200")
        #expect(fields[2].1 == "a=1" && fields[3].1 == "b=2")
    }

    @Test func fieldsGoWithoutIndexingSoTheDynamicTableStaysEmpty() throws {
        let head = try Self.head("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Request-Id: r1\r\n\r\n")
        let headers = HTTP2ResponseTranslator.headers(of: head)
        #expect(headers.map { $0.indexable } == [.indexable, .nonIndexable, .nonIndexable])
        let trailers = HTTP2ResponseTranslator.trailers(ByteBuffer(string: "X-Checksum: abc\r\n"))
        #expect(trailers.map { $0.indexable } == [.nonIndexable])

        // Encoded twice on one connection: nothing entered the table, so the second block is as
        // long as the first (no field became an index into the dynamic table).
        var encoder = HPACKEncoder(allocator: ByteBufferAllocator())
        var first = ByteBuffer()
        try encoder.encode(headers: headers, to: &first)
        var second = ByteBuffer()
        try encoder.encode(headers: headers, to: &second)
        #expect(encoder.dynamicTableSize == 0)
        #expect(first.readableBytes == second.readableBytes)
    }

    @Test func trailerLinesBecomeATrailerBlock() {
        let block = HTTP2ResponseTranslator.trailers(
            ByteBuffer(string: "X-Checksum: abc \r\nTransfer-Encoding: x\r\nGrpc-Status:0\r\n")
        )
        #expect(block.map { $0.name } == ["x-checksum", "grpc-status"])
        #expect(block.map { $0.value } == ["abc", "0"])
    }
}
