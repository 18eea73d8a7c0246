import NIOCore
import NIOHTTP1
import Proxy
import TestSupport
import Testing

/// Every ambiguous-framing case of RFC 9112 over a raw socket: the client gets the status, the
/// connection is closed, and the upstream never sees a complete request.
@Suite("Malformed requests over raw sockets")
struct MalformedRequestTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var bytes: String
        var status: Int = 400
        var testDescription: String { self.name }
    }

    static let host = "Host: a.s20.online\r\n"

    static let cases: [Case] = [
        Case(
            name: "CL and TE",
            bytes: "POST / HTTP/1.1\r\n\(host)Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
        ),
        Case(
            name: "TE and CL",
            bytes: "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n"
        ),
        Case(name: "CL +5", bytes: "POST / HTTP/1.1\r\n\(host)Content-Length: +5\r\n\r\nhello"),
        Case(name: "CL 0x5", bytes: "POST / HTTP/1.1\r\n\(host)Content-Length: 0x5\r\n\r\nhello"),
        Case(name: "CL list 5, 6", bytes: "POST / HTTP/1.1\r\n\(host)Content-Length: 5, 6\r\n\r\nhello!"),
        Case(name: "CL list 5, 5", bytes: "POST / HTTP/1.1\r\n\(host)Content-Length: 5, 5\r\n\r\nhello"),
        Case(
            name: "two differing CL lines",
            bytes: "POST / HTTP/1.1\r\n\(host)Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!"
        ),
        Case(name: "empty CL", bytes: "POST / HTTP/1.1\r\n\(host)Content-Length: \r\n\r\n"),
        Case(name: "negative CL", bytes: "POST / HTTP/1.1\r\n\(host)Content-Length: -1\r\n\r\n"),
        Case(name: "CL with inner space", bytes: "POST / HTTP/1.1\r\n\(host)Content-Length: 1 0\r\n\r\n0123456789"),
        Case(name: "TE gzip", bytes: "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: gzip\r\n\r\n"),
        Case(
            name: "TE chunked, gzip",
            bytes: "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n"
        ),
        Case(
            name: "TE chunked twice",
            bytes: "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
        ),
        Case(name: "TE identity", bytes: "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: identity\r\n\r\n"),
        Case(name: "TE xchunked", bytes: "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n"),
        Case(name: "HTTP/1.0 with TE", bytes: "POST / HTTP/1.0\r\n\(host)Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
        Case(name: "obs-fold", bytes: "GET / HTTP/1.1\r\n\(host)X-Folded: a\r\n b\r\n\r\n"),
        Case(name: "obs-fold tab", bytes: "GET / HTTP/1.1\r\n\(host)X-Folded: a\r\n\tb\r\n\r\n"),
        Case(name: "bare CR in value", bytes: "GET / HTTP/1.1\r\n\(host)X-A: a\rb\r\n\r\n"),
        Case(name: "bare CR line end", bytes: "GET / HTTP/1.1\r\n\(host)X-A: a\r\r\n\r\n"),
        Case(name: "bare LF line end", bytes: "GET / HTTP/1.1\r\n\(host)X-A: a\n\r\n"),
        Case(name: "space before colon", bytes: "GET / HTTP/1.1\r\n\(host)X-A : a\r\n\r\n"),
        Case(name: "tab before colon", bytes: "GET / HTTP/1.1\r\n\(host)Content-Length\t: 0\r\n\r\n"),
        Case(name: "NUL in value", bytes: "GET / HTTP/1.1\r\n\(host)X-A: a\u{0}b\r\n\r\n"),
        Case(name: "control byte in value", bytes: "GET / HTTP/1.1\r\n\(host)X-A: a\u{1}b\r\n\r\n"),
        Case(name: "DEL in value", bytes: "GET / HTTP/1.1\r\n\(host)X-A: a\u{7F}b\r\n\r\n"),
        Case(name: "control byte in name", bytes: "GET / HTTP/1.1\r\n\(host)X\u{1}A: a\r\n\r\n"),
        Case(name: "empty name", bytes: "GET / HTTP/1.1\r\n\(host): a\r\n\r\n"),
        Case(name: "line without colon", bytes: "GET / HTTP/1.1\r\n\(host)NoColonHere\r\n\r\n"),
        Case(name: "control byte in target", bytes: "GET /a\u{1}b HTTP/1.1\r\n\(host)\r\n"),
        Case(name: "tab in request line", bytes: "GET\t/ HTTP/1.1\r\n\(host)\r\n"),
        Case(name: "double space in request line", bytes: "GET  / HTTP/1.1\r\n\(host)\r\n"),
        Case(name: "missing version", bytes: "GET /\r\n\(host)\r\n"),
        Case(name: "garbage version", bytes: "GET / HTTX/1.1\r\n\(host)\r\n"),
        Case(name: "missing Host", bytes: "GET / HTTP/1.1\r\n\r\n"),
        Case(name: "two Host lines", bytes: "GET / HTTP/1.1\r\n\(host)\(host)\r\n"),
        Case(
            name: "invalid chunk size",
            bytes: "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n"
        ),
        Case(
            name: "negative chunk size",
            bytes: "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\n\r\n-5\r\nhello\r\n0\r\n\r\n"
        ),
        Case(
            name: "chunk size 0x prefix",
            bytes: "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\n\r\n0x5\r\nhello\r\n0\r\n\r\n"
        ),
        Case(
            name: "chunk size overflow",
            bytes:
                "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\nhello\r\n0\r\n\r\n"
        ),
        Case(
            name: "chunk extension with control byte",
            bytes: "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\n\r\n5;a\u{1}=b\r\nhello\r\n0\r\n\r\n"
        ),
        Case(
            name: "chunk extension bare LF",
            bytes: "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\n\r\n5;a\nhello\r\n0\r\n\r\n"
        ),
        Case(
            name: "chunk data longer than size",
            bytes: "POST / HTTP/1.1\r\n\(host)Transfer-Encoding: chunked\r\n\r\n3\r\nhello\r\n0\r\n\r\n"
        ),
        Case(name: "HTTP/2 version", bytes: "GET / HTTP/2.0\r\n\(host)\r\n", status: 505),
    ]

    @Test(arguments: cases)
    func isRejectedAndNothingIsForwarded(_ testCase: Case) async throws {
        try await withProxy { harness in
            let result = try await harness.exchange(testCase.bytes)
            #expect(result.responses.first?.status == testCase.status, "got: \(result.raw.prefix(200))")
            #expect(result.responses.count == 1)
            #expect(result.closedByPeer)
            #expect(result.responses.first?.header("connection")?.lowercased() == "close")
            #expect(harness.upstream.completeRequests.isEmpty)
            // Not even the head: a body error found after it (the chunk cases) is found before
            // anything is sent upstream, the body being read first.
            try await Task.sleep(for: .milliseconds(200))
            #expect(harness.upstream.receivedBytes.allSatisfy { $0.isEmpty }, "\(harness.upstream.receivedBytes)")
        }
    }

    /// A chunk line found malformed in a later packet than the head's: the body is held before
    /// any upstream is chosen (``RequestLimits/maxHeldBodyBytes``), so the 400 leaves the upstream
    /// without a byte of the request — as a chunk error in the head's own packet.
    @Test func aMalformedChunkAfterTheHeadSendsNothingUpstream() async throws {
        let head = "POST /customer/1 HTTP/1.1\r\nHost: a.s20.online\r\nTransfer-Encoding: chunked\r\n\r\n"
        for rest in ["5\r\nhello\r\nzz\r\nmore\r\n0\r\n\r\n", "5\r\nhelloXX0\r\n\r\n", "0\r\nX-T : 1\r\n\r\n"] {
            try await withProxy { harness in
                let connection = try await harness.connect()
                try await connection.send(head)
                try await Task.sleep(for: .milliseconds(300))
                try await connection.send(rest)
                #expect(await connection.waitForClose(timeout: .seconds(10)), "\(rest)")
                #expect(connection.text.hasPrefix("HTTP/1.1 400"), "\(rest): \(connection.text)")
                try await Task.sleep(for: .milliseconds(200))
                #expect(harness.upstream.receivedBytes.allSatisfy { $0.isEmpty }, "\(rest)")
            }
        }
    }

    /// A held body that is whole goes upstream with its head, all of it.
    @Test func aHeldBodyGoesUpstreamWholeOnceItEnds() async throws {
        try await withProxy { harness in
            let connection = try await harness.connect()
            try await connection.send(
                "POST /customer/1 HTTP/1.1\r\nHost: a.s20.online\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n"
            )
            try await Task.sleep(for: .milliseconds(300))
            #expect(harness.upstream.receivedBytes.allSatisfy { $0.isEmpty }, "held until it ends")
            try await connection.send("6\r\n world\r\n0\r\n\r\n")
            let responses = await connection.waitForResponses(1, timeout: .seconds(10))
            #expect(responses.first?.status == 200)
            #expect(harness.upstream.completeRequests.count == 1)
            await connection.close()
        }
    }

    /// A chunked body that outgrows the hold streams from then on: the upstream has the head and
    /// what came before the body ends (a large upload is never held whole in memory).
    @Test func aChunkedBodyThatOutgrowsTheHoldStreamsBeforeItEnds() async throws {
        try await withProxy { harness in
            let connection = try await harness.connect()
            let size = RequestLimits().maxHeldBodyBytes + 1
            try await connection.send(
                "POST /customer/1 HTTP/1.1\r\nHost: a.s20.online\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + String(size, radix: 16) + "\r\n" + String(repeating: "x", count: size) + "\r\n"
            )
            #expect(
                await eventually(timeout: .seconds(10)) {
                    harness.upstream.receivedBytes.reduce(0) { $0 + $1.count } > size
                },
                "the body waited for its end"
            )
            try await connection.send("0\r\n\r\n")
            let responses = await connection.waitForResponses(1, timeout: .seconds(10))
            #expect(responses.first?.status == 200)
            await connection.close()
        }
    }

    @Test func requestLineOver8KiBGets414() async throws {
        try await withProxy { harness in
            let target = "/" + String(repeating: "a", count: 8 * 1024)
            let result = try await harness.exchange("GET \(target) HTTP/1.1\r\n\(Self.host)\r\n")
            #expect(result.responses.first?.status == 414)
            #expect(result.closedByPeer)
            #expect(harness.upstream.requests.isEmpty)
        }
    }

    @Test func headersOver64KiBGet431() async throws {
        try await withProxy { harness in
            let big = String(repeating: "b", count: 1000)
            var request = "GET / HTTP/1.1\r\n\(Self.host)"
            for index in 0..<70 { request += "X-Big-\(index): \(big)\r\n" }
            let result = try await harness.exchange(request + "\r\n")
            #expect(result.responses.first?.status == 431)
            #expect(result.closedByPeer)
            #expect(harness.upstream.requests.isEmpty)
        }
    }

    @Test func moreThan100HeaderLinesGet431() async throws {
        try await withProxy { harness in
            var request = "GET / HTTP/1.1\r\n\(Self.host)"
            for index in 0..<101 { request += "X-H-\(index): v\r\n" }
            let result = try await harness.exchange(request + "\r\n")
            #expect(result.responses.first?.status == 431)
            #expect(harness.upstream.requests.isEmpty)
        }
    }

    @Test func limitsAreConfigurable() async throws {
        try await withProxy(limits: RequestLimits(maxRequestLineBytes: 64, maxHeaderBytes: 256, maxHeaderCount: 3)) {
            harness in
            let longLine = try await harness.exchange(
                "GET /\(String(repeating: "a", count: 100)) HTTP/1.1\r\n\(Self.host)\r\n"
            )
            #expect(longLine.responses.first?.status == 414)
            let manyLines = try await harness.exchange("GET / HTTP/1.1\r\n\(Self.host)A: 1\r\nB: 2\r\nC: 3\r\n\r\n")
            #expect(manyLines.responses.first?.status == 431)
            let fine = try await harness.exchange("GET / HTTP/1.1\r\n\(Self.host)Connection: close\r\n\r\n")
            #expect(fine.responses.first?.status == 200)
        }
    }

    @Test func aValidRequestBeforeAMalformedOneIsStillAnswered() async throws {
        try await withProxy { harness in
            let result = try await harness.exchange(
                "GET /ok HTTP/1.1\r\n\(Self.host)\r\nGET /bad HTTP/1.1\r\n\(Self.host)X-A : b\r\n\r\n"
            )
            #expect(result.responses.map(\.status) == [200, 400])
            #expect(result.closedByPeer)
            #expect(harness.upstream.completeRequests.map(\.head.uri) == ["/ok"])
        }
    }

    @Test func leadingEmptyLineIsTolerated() async throws {
        try await withProxy { harness in
            let result = try await harness.exchange("\r\nGET / HTTP/1.1\r\n\(Self.host)Connection: close\r\n\r\n")
            #expect(result.responses.first?.status == 200)
        }
    }
}
