import NIOCore
import NIOHTTP1
import Proxy
import TestSupport
import Testing

/// Forwarded messages keep their bytes (docs/PROXY.md). Checked on the wire at both ends (raw
/// sockets, and the upstream's bytes before any decoder), since a UTF-8 reading of a field value
/// would already have replaced the bytes under test.
@Suite("Bytes forwarded byte for byte")
struct ByteFidelityTests {
    /// Bytes 0x80–0xFF (obs-text, RFC 9110 §5.5): Latin-1, UTF-8, and bytes that are neither.
    static let obsText: [UInt8] = [0xE9, 0x74, 0xE9, 0x20, 0xD0, 0xBE, 0x20, 0xFF, 0x80]

    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard needle.count <= haystack.count else { return false }
        return (0...(haystack.count - needle.count)).contains {
            haystack[$0..<($0 + needle.count)].elementsEqual(needle)
        }
    }

    @Test func obsTextInRequestHeaderValuesArrivesUnchanged() async throws {
        try await withProxy { harness in
            let connection = try await harness.connect()
            let cookie = Self.bytes("Cookie: name=") + Self.obsText + Self.bytes("\r\n")
            let file = Self.bytes("X-File-Name: ") + Self.obsText + Self.bytes(".pdf\r\n")
            try await connection.send(
                Self.bytes("GET /customer/1 HTTP/1.1\r\nHost: acme.s20.online\r\n") + cookie + file + Self.bytes("\r\n")
            )
            let responses = await connection.waitForResponses(1)
            await connection.close()
            #expect(responses.first?.status == 200)
            let received = try #require(harness.upstream.receivedBytes.first)
            #expect(Self.contains(received, cookie), "Cookie was re-encoded")
            #expect(Self.contains(received, file), "X-File-Name was re-encoded")
            #expect(!Self.contains(received, [0xEF, 0xBF, 0xBD]), "a byte became U+FFFD")
        }
    }

    /// A field line goes upstream as the client wrote it: no space added after the colon, none
    /// taken from around the value.
    @Test func requestFieldLinesArriveWithTheClientsSpacing() async throws {
        try await withProxy { harness in
            let connection = try await harness.connect()
            let lines = Self.bytes("X-A:b\r\nX-B:   padded   \r\nx-c:\tv\t\r\n")
            try await connection.send(
                Self.bytes("GET /customer/1 HTTP/1.1\r\nHost:acme.s20.online\r\n") + lines + Self.bytes("\r\n")
            )
            let responses = await connection.waitForResponses(1)
            await connection.close()
            #expect(responses.first?.status == 200)
            let received = try #require(harness.upstream.receivedBytes.first)
            #expect(
                Self.contains(received, Self.bytes("\r\nHost:acme.s20.online\r\n") + lines),
                "\(String(decoding: received, as: UTF8.self))"
            )
        }
    }

    @Test func obsTextInRequestTrailersArrivesUnchanged() async throws {
        let summarize: @Sendable (HTTPRequestHead) -> UpstreamBehavior = { _ in .summarize }
        try await withProxy(behavior: summarize) { harness in
            let connection = try await harness.connect()
            let trailer = Self.bytes("X-Checksum-Name: ") + Self.obsText + Self.bytes("\r\n")
            try await connection.send(
                Self.bytes(
                    "POST /api/1/hook HTTP/1.1\r\nHost: acme.s20.online\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "3\r\nabc\r\n0\r\n"
                ) + trailer + Self.bytes("\r\n")
            )
            let responses = await connection.waitForResponses(1)
            await connection.close()
            #expect(responses.first?.status == 200)
            let received = try #require(harness.upstream.receivedBytes.first)
            #expect(Self.contains(received, Self.bytes("0\r\n") + trailer + Self.bytes("\r\n")))
        }
    }

    @Test func obsTextInResponseHeadersAndTrailersReachesTheClientUnchanged() async throws {
        let field = Self.bytes("Content-Disposition: attachment; filename=") + Self.obsText + Self.bytes("\r\n")
        let trailer = Self.bytes("X-Trailer-Name: ") + Self.obsText + Self.bytes("\r\n")
        let response =
            Self.bytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n") + field
            + Self.bytes("\r\n2\r\nok\r\n0\r\n") + trailer + Self.bytes("\r\n")
        let answer: @Sendable (HTTPRequestHead) -> UpstreamBehavior = { _ in .rawBytes(response) }
        try await withProxy(behavior: answer) { harness in
            let connection = try await harness.connect()
            try await connection.send("GET /customer/1 HTTP/1.1\r\nHost: acme.s20.online\r\n\r\n")
            let done = await connection.waitFor { bytes, _ in
                Self.contains(bytes, Self.bytes("\r\n\r\n0\r\n")) || Self.contains(bytes, trailer)
            }
            await connection.close()
            #expect(done)
            #expect(Self.contains(connection.bytes, field), "the response header was re-encoded")
            #expect(Self.contains(connection.bytes, trailer), "the response trailer was re-encoded")
        }
    }

    @Test func trustedForwardingFieldsWithObsTextKeepTheirBytes() async throws {
        let trusted = try #require(CIDRBlock("127.0.0.0/8"))
        try await withProxy(trustedProxies: [trusted]) { harness in
            let connection = try await harness.connect()
            let host = Self.bytes("X-Forwarded-Host: ") + Self.obsText + Self.bytes("\r\n")
            try await connection.send(
                Self.bytes("GET / HTTP/1.1\r\nHost: a.s20.online\r\n") + host + Self.bytes("\r\n")
            )
            _ = await connection.waitForResponses(1)
            await connection.close()
            let received = try #require(harness.upstream.receivedBytes.first)
            #expect(Self.contains(received, host))
        }
    }

    @Test(arguments: [
        "/customer/1/files/отчёт.pdf", "/customer/1/files/счёт №1.pdf", "/company/1/licensing/Лицензия™ ½.pdf",
        "/v2api/1/файлы?имя=отчёт",
    ])
    func rawUTF8TargetsAreForwardedByteForByte(target: String) async throws {
        // A space cannot be sent raw in a request line; the rest of the target is raw UTF-8.
        let wireTarget = target.replacingOccurrences(of: " ", with: "%20")
        try await withProxy { harness in
            let connection = try await harness.connect()
            try await connection.send("GET \(wireTarget) HTTP/1.1\r\nHost: acme.s20.online\r\n\r\n")
            // The recording upstream's decoder (NIO's) refuses raw non-ASCII targets itself: what
            // matters is what arrived on its socket.
            _ = await connection.waitForResponses(1)
            await connection.close()
            let received = try #require(harness.upstream.receivedBytes.first)
            #expect(received.starts(with: Self.bytes("GET \(wireTarget) HTTP/1.1\r\n")))
        }
    }

    /// A target that is not UTF-8 (read by the Gate with its bytes percent-encoded) reaches the
    /// upstream as received, for a school's host, an unknown host, and cut out of an absolute-form
    /// target; valid UTF-8 beside the invalid bytes is not re-encoded either.
    @Test(arguments: [
        (
            "acme.s20.online", "",
            [0x2F, 0x63, 0x75, 0x73, 0x74, 0x6F, 0x6D, 0x65, 0x72, 0x2F, 0xE9, 0x74, 0xE9] as [UInt8]
        ),
        ("acme.s20.online", "", Array("/customer/".utf8) + [0xC3, 0xA9] + Array("?q=".utf8) + [0xFF]),
        ("acme.s20.online", "", Array("/customer/".utf8) + [0xC3, 0xA9, 0x2F, 0xE9]),
        ("nobody.s20.online", "", Array("/company/".utf8) + [0xE9]),
        ("acme.s20.online", "http://acme.s20.online", Array("/customer/".utf8) + [0xE9, 0x3F, 0x61, 0x3D, 0xC3, 0xA9]),
    ])
    func aTargetThatIsNotUTF8IsForwardedAsReceived(host: String, absolutePrefix: String, target: [UInt8]) async throws {
        try await withProxy { harness in
            let connection = try await harness.connect()
            try await connection.send(
                Self.bytes("GET \(absolutePrefix)") + target + Self.bytes(" HTTP/1.1\r\nHost: \(host)\r\n\r\n")
            )
            // The recording upstream's decoder (NIO's) refuses raw non-ASCII targets itself: what
            // matters is what arrived on its socket.
            _ = await connection.waitForResponses(1)
            await connection.close()
            let received = try #require(harness.upstream.receivedBytes.first)
            #expect(received.starts(with: Self.bytes("GET ") + target + Self.bytes(" HTTP/1.1\r\n")))
        }
    }
}
