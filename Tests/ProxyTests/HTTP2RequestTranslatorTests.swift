import HTTPHead
import NIOCore
import NIOHPACK
import NIOHTTP1
import Testing

@testable import Proxy

/// The HTTP/2 → HTTP/1.1 head translation, without a connection: each refusal closes one
/// downgrade-smuggling path (RFC 9113 §8.2–8.3).
@Suite struct HTTP2RequestTranslatorTests {
    static let base: [(String, String)] = [
        (":method", "GET"), (":scheme", "https"), (":authority", "acme.s20.online"), (":path", "/customer/1"),
    ]

    static func translate(
        _ fields: [(String, String)],
        endStream: Bool = true
    ) -> Result<HTTPRequestHead, RequestRejection> {
        HTTP2RequestTranslator.requestHead(HPACKHeaders(fields), endStream: endStream).map(\.httpRequestHead)
    }

    @Test func aPlainGetBecomesAnHTTP1HeadWithHostFirst() throws {
        let head = try Self.translate(Self.base + [("accept", "text/html")]).get()
        #expect(head.method == .GET)
        #expect(head.uri == "/customer/1")
        #expect(head.version == .http1_1)
        #expect(Array(head.headers.map { $0.name }) == ["host", "accept"])
        #expect(head.headers["host"] == ["acme.s20.online"])
        #expect(head.headers["content-length"].isEmpty && head.headers["transfer-encoding"].isEmpty)
    }

    @Test func cookieCrumbsAreJoinedWhereTheFirstWas() throws {
        let head = try Self.translate(Self.base + [("cookie", "a=1"), ("x-b", "2"), ("cookie", "c=3")]).get()
        #expect(Array(head.headers.map { $0.name }) == ["host", "cookie", "x-b"])
        #expect(head.headers["cookie"] == ["a=1; c=3"])
    }

    /// HPACK hands values over as UTF-8 text; the head carries them as the HTTP/1.1 parser does,
    /// one scalar per byte, so the forwarded head's writer puts back the bytes the client sent.
    /// (Carried as text, `café` went upstream as `caf` and the byte 0xE9, not as UTF-8.)
    @Test func valuesKeepTheClientsBytes() throws {
        let values = ["café", "отчёт за май.pdf", "a=ü; b=ß"]
        let head = try Self.translate(
            Self.base + [("x-file-name", values[0]), ("x-title", values[1]), ("cookie", values[2])]
        ).get()
        for (name, value) in zip(["x-file-name", "x-title", "cookie"], values) {
            let carried = try #require(head.headers[name].first)
            #expect(FieldValueEncoding.bytes(carried) == Array(value.utf8), "\(name)")
        }
        var forwarded = ByteBuffer()
        ForwardingHeaderPolicy().writeUpstreamRequestHead(
            try HTTP2RequestTranslator.requestHead(
                HPACKHeaders(Self.base + [("x-file-name", values[0]), ("x-title", values[1]), ("cookie", values[2])]),
                endStream: true
            ).get(),
            framing: .none,
            client: ForwardingHeaderPolicy.ClientIdentity(ip: "192.0.2.1", trusted: false),
            isTLS: true,
            webSocket: false,
            into: &forwarded
        )
        let bytes = Array(forwarded.readableBytesView)
        for value in values {
            #expect(bytes.firstRange(of: Array(value.utf8)) != nil, "\(value) upstream as its UTF-8 bytes")
        }
    }

    /// The target is the middle of the HTTP/1.1 request line: a space or a tab in it would end it
    /// early, and servers read what follows differently.
    @Test(arguments: ["/customer /company/1", "/customer\t/company/1", "/a\u{7F}b"])
    func aTargetWithASpaceOrAControlCharacterIsRefused(_ path: String) {
        let fields = Self.base.map { $0.0 == ":path" ? (":path", path) : $0 }
        guard case .failure(let rejection) = Self.translate(fields) else {
            Issue.record("accepted :path \(Array(path.utf8))")
            return
        }
        #expect(rejection.status == .badRequest)
    }

    @Test func emptyCookieCrumbsAddNothing() throws {
        let head = try Self.translate(
            Self.base + [("cookie", "a=1"), ("cookie", ""), ("cookie", "b=2"), ("cookie", "")]
        )
        .get()
        #expect(head.headers["cookie"] == ["a=1; b=2"])
        // One crumb, after an empty one or alone, is the value as it came.
        for crumbs in [[("cookie", ""), ("cookie", "a=1")], [("cookie", "a=1; b=2")]] {
            let single = try Self.translate(Self.base + crumbs).get()
            #expect(single.headers["cookie"] == [crumbs.last?.1 ?? ""])
        }
        let empty = try Self.translate(Self.base + [("cookie", "")]).get()
        #expect(empty.headers["cookie"] == [""])
    }

    @Test func theGatewayChoosesTheFraming() throws {
        let declared = try Self.translate(Self.base + [("content-length", "5")], endStream: false).get()
        #expect(declared.headers["content-length"] == ["5"])
        #expect(declared.headers["transfer-encoding"].isEmpty)
        let unknown = try Self.translate(Self.base, endStream: false).get()
        #expect(unknown.headers["transfer-encoding"] == ["chunked"])
        var post = Self.base
        post[0] = (":method", "POST")
        let emptyPost = try Self.translate(post).get()
        #expect(emptyPost.headers["content-length"] == ["0"])
        let repeatedSame = try Self.translate(
            Self.base + [("content-length", "5"), ("content-length", "5")],
            endStream: false
        ).get()
        #expect(repeatedSame.headers["content-length"] == ["5"])
    }

    /// Pseudo-header names are lower-case like every other (RFC 9113 §8.2.1). Only a unit test
    /// can send one otherwise: swift-nio-http2's HPACK encoder matches `:Method` to the static
    /// table's `:method` and puts the lower-case name on the wire.
    @Test(arguments: [":Method", ":PATH", ":Authority", ":Scheme"])
    func anUpperCasePseudoHeaderIsRefused(_ name: String) {
        let fields = Self.base.map { $0.0.caseInsensitiveCompare(name) == .orderedSame ? (name, $0.1) : $0 }
        #expect(fields.contains { $0.0 == name })
        guard case .failure(let rejection) = Self.translate(fields) else {
            Issue.record("accepted \(name)")
            return
        }
        #expect(rejection.status == .badRequest && rejection.reason.contains("pseudo-header"), "\(rejection)")
    }

    @Test func hostWithoutAuthorityIsUsedAndAgreeingOnesPass() throws {
        let onlyHost = try Self.translate([
            (":method", "GET"), (":scheme", "https"), (":path", "/"), ("host", "acme.s20.online"),
        ]).get()
        #expect(onlyHost.headers["host"] == ["acme.s20.online"])
        let agreeing = try Self.translate(Self.base + [("host", "ACME.s20.online")]).get()
        #expect(agreeing.headers["host"] == ["ACME.s20.online"])
    }

    @Test(arguments: [
        [("X-Upper", "1")],
        [("x-a", "1\r\nx-b: 2")],
        [("x-a", "1\nx-b: 2")],
        [("x-a", "1\u{0}")],
        [("x-a", " 1")],
        [("x-a", "1\t")],
        [("x-a", "\u{7F}")],
        [("connection", "close")],
        [("keep-alive", "5")],
        [("proxy-connection", "close")],
        [("transfer-encoding", "chunked")],
        [("upgrade", "h2c")],
        [("te", "gzip")],
        [("x a", "1")],
        [("", "1")],
        [("content-length", "1,1")],
        [("content-length", "-1")],
        [("content-length", "1"), ("content-length", "2")],
        [("host", "other.s20.online")],
        [("host", "a"), ("host", "a")],
        [(":path", "/again")],
        [(":status", "200")],
    ])
    func aFieldHTTP1CouldReadDifferentlyIsRefused(_ extra: [(String, String)]) {
        guard case .failure(let rejection) = Self.translate(Self.base + extra, endStream: false) else {
            Issue.record("accepted: \(extra)")
            return
        }
        #expect(rejection.status == .badRequest)
    }

    @Test func teTrailersIsAllowed() throws {
        let head = try Self.translate(Self.base + [("te", "trailers")]).get()
        #expect(head.headers["te"] == ["trailers"])
    }

    @Test func pseudoHeaderRulesHold() {
        let cases: [[(String, String)]] = [
            [(":method", "GET"), (":scheme", "https"), (":authority", "a.s20.online")],
            [(":scheme", "https"), (":authority", "a.s20.online"), (":path", "/")],
            [(":method", "GET"), (":scheme", "https"), ("x-a", "1"), (":path", "/"), (":authority", "a.s20.online")],
            [(":method", "GET"), (":scheme", "https"), (":authority", "a.s20.online"), (":path", "relative")],
            [(":method", "GET"), (":scheme", "https"), (":authority", "u@a.s20.online"), (":path", "/")],
            [(":method", "GET"), (":scheme", "https"), (":path", "/")],
            [(":method", "G ET"), (":scheme", "https"), (":authority", "a.s20.online"), (":path", "/")],
            [(":method", "CONNECT"), (":authority", "a.s20.online"), (":path", "/")],
        ]
        for fields in cases {
            guard case .failure = Self.translate(fields) else {
                Issue.record("accepted: \(fields)")
                continue
            }
        }
        let options = Self.translate([
            (":method", "OPTIONS"), (":scheme", "https"), (":authority", "a.s20.online"), (":path", "*"),
        ])
        #expect((try? options.get())?.uri == "*")
        let connect = Self.translate([(":method", "CONNECT"), (":authority", "a.s20.online:443")])
        #expect((try? connect.get())?.uri == "a.s20.online:443")
    }

    @Test func aDeclaredLengthWithoutDataIsRefused() {
        guard case .failure = Self.translate(Self.base + [("content-length", "3")], endStream: true) else {
            Issue.record("accepted")
            return
        }
    }

    @Test func limitsApplyAsToHTTP1() {
        let limits = RequestLimits(maxRequestLineBytes: 32, maxHeaderCount: 3)
        var long = Self.base
        long[3] = (":path", "/" + String(repeating: "a", count: 40))
        guard
            case .failure(let tooLong) = HTTP2RequestTranslator.requestHead(
                HPACKHeaders(long),
                endStream: true,
                limits: limits
            )
        else {
            Issue.record("accepted a long target")
            return
        }
        #expect(tooLong.status == .uriTooLong)
        let many = Self.base + (0..<10).map { ("x-\($0)", "1") }
        guard
            case .failure(let tooMany) = HTTP2RequestTranslator.requestHead(
                HPACKHeaders(many),
                endStream: true,
                limits: limits
            )
        else {
            Issue.record("accepted many fields")
            return
        }
        #expect(tooMany.status == .requestHeaderFieldsTooLarge)
    }

    @Test func trailersFollowTheSameRules() throws {
        let trailers = try HTTP2RequestTranslator.trailers(HPACKHeaders([("x-checksum", "abc")])).get()
        #expect(trailers["x-checksum"] == ["abc"])
        for bad in [[("X-Up", "1")], [("x-a", "1\r\n")], [("transfer-encoding", "chunked")], [("content-length", "1")]]
        {
            guard case .failure = HTTP2RequestTranslator.trailers(HPACKHeaders(bad)) else {
                Issue.record("accepted trailers \(bad)")
                continue
            }
        }
    }

    /// Every byte at every position of a 40-byte value, against the rule byte by byte: HTAB and
    /// the bytes from space up but DEL pass, other controls refuse; whitespace at either end
    /// refuses. Bytes above 0x7F come as the UTF-8 of one scalar (HPACK strings are text).
    @Test func valuesAreJudgedByteByByteAsTheRuleSays() {
        for scalar in (0..<0x100).compactMap(Unicode.Scalar.init) {
            let utf8 = Array(String(scalar).utf8)
            let valid = utf8.allSatisfy { $0 == 0x09 || ($0 >= 0x20 && $0 != 0x7F) }
            for position in 0..<40 {
                var bytes = [UInt8](repeating: UInt8(ascii: "v"), count: 40)
                bytes.replaceSubrange(position..<(position + 1), with: utf8)
                let value = String(decoding: bytes, as: UTF8.self)
                let atAnEnd = (position == 0 || position == 39) && (scalar == " " || scalar == "\t")
                #expect(
                    HTTP2RequestTranslator.isValidValue(value, allowEmpty: true) == (valid && !atAnEnd),
                    "scalar \(scalar.value) at \(position)"
                )
            }
        }
        #expect(HTTP2RequestTranslator.isValidValue("", allowEmpty: true))
        #expect(!HTTP2RequestTranslator.isValidValue("", allowEmpty: false))
    }

    @Test func namesMustBeLowerCaseTokens() {
        for byte in UInt8.min...0x7F {
            let name = "x-" + String(UnicodeScalar(byte)) + "-y"
            let expected = ASCII.isTokenByte(byte) && !(0x41...0x5A).contains(byte)
            #expect(HTTP2RequestTranslator.isLowerCaseToken(name) == expected, "byte \(byte)")
        }
        #expect(!HTTP2RequestTranslator.isLowerCaseToken(""))
        #expect(!HTTP2RequestTranslator.isLowerCaseToken("x-é"))
        #expect(HTTP2RequestTranslator.isLowerCaseToken("sec-ch-ua-platform"))
    }
}
