import NIOCore
import NIOHPACK
import NIOHTTP1
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

    static func selection(
        _ head: UpstreamResponseHead,
        method: HTTPMethod = .GET,
        requestID: String? = nil,
        strictTransportSecurity: String? = nil
    ) -> ClientResponseFieldSelection {
        ClientResponseFieldSelection(
            head,
            requestMethod: method,
            clientVersion: .http1_1,
            tunnel: false,
            requestID: requestID,
            strictTransportSecurity: strictTransportSecurity
        )
    }

    static func block(
        _ text: String,
        method: HTTPMethod = .GET,
        requestID: String? = nil,
        strictTransportSecurity: String? = nil
    ) throws -> HPACKHeaders {
        let head = try Self.head(text)
        let selection = Self.selection(
            head,
            method: method,
            requestID: requestID,
            strictTransportSecurity: strictTransportSecurity
        )
        return HTTP2ResponseTranslator.headers(of: head, selection: selection, via: "1.1 freezegate")
    }

    @Test func statusFirstNamesLowerCaseHopByHopFieldsGone() throws {
        let head = try Self.head(
            "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: keep-alive, X-Hop\r\nKeep-Alive: timeout=5\r\n"
                + "X-Hop: 1\r\nTransfer-Encoding: chunked\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\nX-Request-Id: r1\r\n\r\n"
        )
        let headers = HTTP2ResponseTranslator.headers(
            of: head,
            selection: Self.selection(head, requestID: "gw-1"),
            via: "1.1 freezegate"
        )
        let fields = headers.map { ($0.name, $0.value) }
        #expect(fields.map { $0.0 } == [":status", "content-type", "set-cookie", "set-cookie", "via", "x-request-id"])
        #expect(fields[0].1 == "200")
        #expect(fields[2].1 == "a=1" && fields[3].1 == "b=2")
        // The gateway's request ID replaces the upstream's.
        #expect(fields[4].1 == "1.1 freezegate" && fields[5].1 == "gw-1")
    }

    @Test func connectionSpecificNamesAreTheSameFiveOnBytesInAnyCaseAndOnStrings() {
        let names = [
            "connection", "Keep-Alive", "PROXY-CONNECTION", "transfer-Encoding", "Upgrade", "te", "TE", "trailer",
            "Trailer", "content-type", "connectionx", "upgradE ", "keep_alive", "", "x",
        ]
        let connectionSpecific: Set<String> = [
            "connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade",
        ]
        for name in names {
            let expected = connectionSpecific.contains(name.lowercased())
            let onBytes = Array(name.utf8).withUnsafeBytes { HTTP2RequestTranslator.isConnectionSpecific($0[...]) }
            #expect(onBytes == expected, "\(name)")
            #expect(HTTP2RequestTranslator.isConnectionSpecific(name.lowercased().utf8) == expected, "\(name)")
            let lowered = Array(name.utf8).withUnsafeBytes { HTTP2ResponseTranslator.lowercasedName($0[...]) }
            #expect(lowered == name.lowercased())
        }
    }

    /// Fields whose value repeats from one response to the next enter the connection's dynamic
    /// table (the next response names each with one byte); the rest never do, so the table does
    /// not fill with stale dates, lengths and request IDs.
    @Test func onlyFieldsThatRepeatEnterTheDynamicTable() throws {
        func response(date: String, length: Int, requestID: String) throws -> HPACKHeaders {
            try Self.block(
                "HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\nDate: \(date)\r\nContent-Type: text/html\r\n"
                    + "Content-Length: \(length)\r\nETag: \"\(length)\"\r\nSet-Cookie: s=\(requestID)\r\n"
                    + "Cache-Control: no-store\r\nX-Checksum: \(length)\r\n\r\n",
                requestID: requestID,
                strictTransportSecurity: "max-age=31536000"
            )
        }
        let first = try response(date: "Sun, 06 Dec 2026 20:00:00 GMT", length: 1024, requestID: "r1")
        let indexing = Dictionary(uniqueKeysWithValues: first.map { ($0.name, $0.indexable) })
        #expect(first.map(\.name).count == indexing.count)
        let indexed = Set(indexing.filter { $0.value == .indexable }.keys)
        #expect(indexed == [":status", "server", "content-type", "cache-control", "via", "strict-transport-security"])
        #expect(
            Set(indexing.filter { $0.value == .nonIndexable }.keys)
                == ["date", "content-length", "etag", "set-cookie", "x-checksum", "x-request-id"]
        )
        let trailers = HTTP2ResponseTranslator.trailers(ByteBuffer(string: "X-Checksum: abc\r\n"))
        #expect(trailers.map { $0.indexable } == [.nonIndexable])
        // The gateway's own answers (a blocked page) follow the same rule.
        let own = HTTP2ResponseTranslator.headers(
            of: HTTPResponseHead(
                version: .http1_1,
                status: .forbidden,
                headers: ["Content-Type": "text/html", "Cache-Control": "no-store", "X-Request-Id": "r1"]
            )
        )
        #expect(own.map { $0.indexable } == [.indexable, .indexable, .indexable, .nonIndexable])

        // On one connection: the first block enters the five repeating fields (":status: 200" is
        // in the static table); the next blocks, with a new date, length and request ID, name them
        // by index, and the table holds the same five entries after any number of responses.
        var encoder = HPACKEncoder(allocator: ByteBufferAllocator())
        var firstBytes = ByteBuffer()
        try encoder.encode(headers: first, to: &firstBytes)
        let tableAfterFirst = encoder.dynamicTableSize
        let repeating = first.filter { $0.indexable == .indexable && $0.name != ":status" }
        #expect(tableAfterFirst == repeating.reduce(0) { $0 + 32 + $1.name.utf8.count + $1.value.utf8.count })
        var sizes: [Int] = []
        for round in 2...5 {
            let next = try response(
                date: "Sun, 06 Dec 2026 20:00:0\(round) GMT",
                length: 1000 + round,
                requestID: "r\(round)"
            )
            var bytes = ByteBuffer()
            try encoder.encode(headers: next, to: &bytes)
            sizes.append(bytes.readableBytes)
            #expect(encoder.dynamicTableSize == tableAfterFirst)
        }
        // Each repeating field is one byte from the second response on: every later block is
        // shorter than the first by at least half its values' length (Huffman's best ratio is
        // about 5 bits a character; a date's or a length's digits change the rest by a bit or two).
        let repeatedValueBytes = repeating.reduce(0) { $0 + $1.value.utf8.count }
        for size in sizes {
            #expect(firstBytes.readableBytes - size > repeatedValueBytes / 2, "\(firstBytes.readableBytes) → \(size)")
        }
    }

    @Test func theRepeatingNamesAreRecognisedInAnyCaseAndOnlyWhole() {
        for name in [
            "Server", "VARY", "pragma", "Content-Type", "accept-ranges", "Cache-Control", "X-Frame-Options",
            "Referrer-Policy", "Content-Encoding", "content-language", "X-Content-Type-Options",
            "Strict-Transport-Security", "Access-Control-Allow-Origin",
        ] {
            #expect(HTTP2ResponseTranslator.indexing(ofName: Array(name.utf8)) == .indexable, "\(name)")
        }
        for name in ["Servers", "serve", "Content-Typo", "Date", "Last-Modified", "ETag", "Set-Cookie", "Age", ""] {
            #expect(HTTP2ResponseTranslator.indexing(ofName: Array(name.utf8)) == .nonIndexable, "\(name)")
        }
    }

    @Test func trailerLinesBecomeATrailerBlock() {
        let block = HTTP2ResponseTranslator.trailers(
            ByteBuffer(string: "X-Checksum: abc \r\nTransfer-Encoding: x\r\nGrpc-Status:0\r\n")
        )
        #expect(block.map { $0.name } == ["x-checksum", "grpc-status"])
        #expect(block.map { $0.value } == ["abc", "0"])
    }

    @Test func contentLengthStaysWhereItFramesTheBodyAndHEADKeepsTheDeclaredOne() throws {
        let sized = try Self.block("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n")
        #expect(sized.first(name: "content-length") == "5")
        let chunked = try Self.block("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
        #expect(chunked[canonicalForm: "content-length"].isEmpty)
        #expect(chunked[canonicalForm: "transfer-encoding"].isEmpty)
        let head = try Self.block("HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n", method: .HEAD)
        #expect(head.first(name: "content-length") == "1234")
    }

    @Test func strictTransportSecurityReplacesTheUpstreamsAndInterimResponsesCarryNeither() throws {
        let final = try Self.block(
            "HTTP/1.1 200 OK\r\nStrict-Transport-Security: max-age=1\r\nContent-Length: 0\r\n\r\n",
            requestID: "gw-2",
            strictTransportSecurity: "max-age=63072000"
        )
        #expect(final[canonicalForm: "strict-transport-security"] == ["max-age=63072000"])
        #expect(final[canonicalForm: "x-request-id"] == ["gw-2"])
        let interim = try Self.block(
            "HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n",
            requestID: "gw-2",
            strictTransportSecurity: "max-age=63072000"
        )
        #expect(interim.map { $0.name } == [":status", "link", "via"])
    }

    /// One selection for both protocols: the fields an HTTP/2 client gets are those an HTTP/1.1
    /// client gets, minus only what HTTP/2 has no use for (framing and connection fields).
    @Test(arguments: [
        "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: keep-alive, X-Hop\r\nX-Hop: 1\r\nContent-Length: 3\r\n\r\n",
        "HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\nX-Request-Id: up\r\nKeep-Alive: timeout=5\r\nTE: x\r\n\r\n",
        "HTTP/1.1 304 Not Modified\r\nETag: \"a\"\r\nContent-Length: 10\r\nTrailer: x\r\nUpgrade: h2c\r\n\r\n",
        "HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nStrict-Transport-Security: max-age=5\r\nProxy-Connection: x\r\n\r\n",
    ])
    func anHTTP2ClientGetsTheFieldsAnHTTP1ClientGets(_ text: String) throws {
        let head = try Self.head(text)
        let policy = ForwardingHeaderPolicy()
        var out = ByteBuffer()
        _ = policy.writeClientResponseHead(
            head,
            requestMethod: .GET,
            clientVersion: .http1_1,
            closeClient: false,
            tunnel: false,
            requestID: "gw-3",
            strictTransportSecurity: "max-age=9",
            into: &out
        )
        let http1 = String(buffer: out).split(separator: "\r\n").dropFirst().compactMap { line -> String? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            let name = line[..<colon].lowercased()
            return ["transfer-encoding", "connection"].contains(name)
                ? nil : "\(name)=\(line[line.index(after: colon)...].drop { $0 == " " })"
        }
        let block = HTTP2ResponseTranslator.headers(
            of: head,
            selection: Self.selection(head, requestID: "gw-3", strictTransportSecurity: "max-age=9"),
            via: policy.viaValue(head.version)
        )
        let http2 = block.dropFirst().map { "\($0.name)=\($0.value)" }
        #expect(http2 == http1)
    }

    @Test func aGatewayAnswerLosesItsConnectionFieldsAndKeepsTheRest() {
        var fields = HTTPHeaders()
        fields.add(name: "Content-Type", value: "text/html; charset=utf-8")
        fields.add(name: "Content-Length", value: "42")
        fields.add(name: "X-Request-Id", value: "gw-4")
        fields.add(name: "Connection", value: "close")
        let block = HTTP2ResponseTranslator.headers(
            of: HTTPResponseHead(version: .http1_1, status: .forbidden, headers: fields)
        )
        #expect(block.map { $0.name } == [":status", "content-type", "content-length", "x-request-id"])
        #expect(block.first(name: ":status") == "403")
    }
}
