import NIOCore
import NIOHTTP1
import Proxy
import TestSupport
import Testing

@Suite("Forwarding end to end")
struct ProxyServerForwardingTests {
    @Test func forwardsAGetAndItsResponse() async throws {
        try await withProxy(
            behavior: { _ in
                var headers = HTTPHeaders()
                headers.add(name: "X-Upstream", value: "one")
                headers.add(name: "Set-Cookie", value: "a=1")
                headers.add(name: "Set-Cookie", value: "b=2")
                return .respond(.ok, headers, "hello world")
            },
            { harness in
                let connection = try await harness.connect()
                try await connection.send(
                    "GET /customer/1?x=%2F HTTP/1.1\r\nHost: acme.s20.online\r\nAccept: */*\r\n\r\n"
                )
                let responses = await connection.waitForResponses(1)
                await connection.close()
                let response = try #require(responses.first)
                #expect(response.status == 200)
                #expect(response.bodyText == "hello world")
                #expect(response.headerValues("set-cookie") == ["a=1", "b=2"])
                #expect(response.header("x-upstream") == "one")
                #expect(response.header("via") == "1.1 freezegate")
                let seen = try #require(harness.upstream.completeRequests.first)
                #expect(seen.head.uri == "/customer/1?x=%2F")
                #expect(seen.head.method == .GET)
                #expect(seen.head.headers.first(name: "host") == "acme.s20.online")
                #expect(seen.head.headers.first(name: "accept") == "*/*")
            }
        )
    }

    @Test func aHeadIsForwardedBeforeItsBodyArrives() async throws {
        // Small bodies leave in the head's buffer; a head whose body is late must not wait for it.
        // The body follows 10 s later: a busy run can hold the head back for seconds.
        try await withProxy(
            behavior: { _ in .headThenBody("late body", delay: .seconds(10)) },
            { harness in
                let connection = try await harness.connect()
                try await connection.send("GET / HTTP/1.1\r\nHost: acme.s20.online\r\n\r\n")
                let headFirst = await connection.waitFor(timeout: .seconds(8)) { bytes, _ in
                    String(decoding: bytes, as: UTF8.self).contains("\r\n\r\n")
                }
                #expect(headFirst, "the head waited for the body")
                #expect(!connection.text.contains("late body"))
                let responses = await connection.waitForResponses(1, timeout: .seconds(30))
                await connection.close()
                #expect(responses.first?.bodyText == "late body")
            }
        )
    }

    @Test func keepAliveReusesTheUpstreamConnection() async throws {
        try await withProxy(threads: 1) { harness in
            let connection = try await harness.connect()
            for index in 0..<5 {
                try await connection.send("GET /r\(index) HTTP/1.1\r\nHost: a.s20.online\r\n\r\n")
                let responses = await connection.waitForResponses(index + 1)
                #expect(responses.count == index + 1)
            }
            #expect(!connection.isClosed)
            await connection.close()
            #expect(harness.upstream.completeRequests.count == 5)
            #expect(harness.upstream.connectionCount == 1)
        }
    }

    @Test func pipelinedRequestsAreAnsweredInOrder() async throws {
        try await withProxy(
            behavior: { head in
                // The first answer is the slowest: order must still hold.
                if head.uri == "/0" { return .delayed(.milliseconds(200), .ok, "zero") }
                return .respond(.ok, HTTPHeaders(), String(head.uri.dropFirst()))
            },
            { harness in
                let connection = try await harness.connect()
                var batch = ""
                for index in 0..<4 { batch += "GET /\(index) HTTP/1.1\r\nHost: a.s20.online\r\n\r\n" }
                try await connection.send(batch)
                let responses = await connection.waitForResponses(4)
                await connection.close()
                #expect(responses.map(\.bodyText) == ["zero", "1", "2", "3"])
            }
        )
    }

    @Test func postBodyIsForwardedWithContentLength() async throws {
        try await withProxy(
            behavior: { _ in .summarize },
            { harness in
                let connection = try await harness.connect()
                try await connection.send(
                    "POST /api/hook HTTP/1.1\r\nHost: a.s20.online\r\nContent-Length: 11\r\n\r\nhello=world"
                )
                let responses = await connection.waitForResponses(1)
                await connection.close()
                #expect(responses.first?.status == 200)
                let seen = try #require(harness.upstream.completeRequests.first)
                #expect(seen.bodyString == "hello=world")
                #expect(seen.head.headers.first(name: "content-length") == "11")
            }
        )
    }

    @Test func chunkedRequestBodyIsForwardedChunked() async throws {
        try await withProxy(
            behavior: { _ in .summarize },
            { harness in
                let connection = try await harness.connect()
                try await connection.send(
                    "POST /api/hook HTTP/1.1\r\nHost: a.s20.online\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"
                )
                let responses = await connection.waitForResponses(1)
                await connection.close()
                #expect(responses.first?.status == 200)
                let seen = try #require(harness.upstream.completeRequests.first)
                #expect(seen.bodyString == "hello world")
                #expect(seen.head.headers[canonicalForm: "transfer-encoding"] == ["chunked"])
                #expect(!seen.head.headers.contains(name: "content-length"))
            }
        )
    }

    @Test func headResponseHasNoBodyButKeepsContentLength() async throws {
        try await withProxy(
            behavior: { _ in
                var headers = HTTPHeaders()
                headers.add(name: "Content-Length", value: "1234")
                return .respond(.ok, headers, "")
            },
            { harness in
                let connection = try await harness.connect()
                try await connection.send(
                    "HEAD / HTTP/1.1\r\nHost: a.s20.online\r\n\r\nGET /next HTTP/1.1\r\nHost: a.s20.online\r\n\r\n"
                )
                await connection.waitFor { bytes, _ in
                    String(decoding: bytes, as: UTF8.self).components("HTTP/1.1 200").count >= 3
                }
                await connection.close()
                let text = connection.text
                #expect(text.hasPrefix("HTTP/1.1 200 OK\r\n"))
                #expect(text.lowercased().contains("content-length: 1234"))
                #expect(text.components("HTTP/1.1 200").count == 3)
            }
        )
    }

    @Test(arguments: [204, 304])
    func bodylessStatusesStayBodyless(status: Int) async throws {
        try await withProxy(
            behavior: { _ in .respond(HTTPResponseStatus(statusCode: status), HTTPHeaders(), "") },
            { harness in
                let connection = try await harness.connect()
                try await connection.send(
                    "GET /a HTTP/1.1\r\nHost: a.s20.online\r\n\r\nGET /b HTTP/1.1\r\nHost: a.s20.online\r\n\r\n"
                )
                let responses = await connection.waitForResponses(2)
                await connection.close()
                #expect(responses.map(\.status) == [status, status])
                #expect(responses.allSatisfy { $0.header("transfer-encoding") == nil })
            }
        )
    }

    @Test func expectContinueIsRelayed() async throws {
        try await withProxy(
            behavior: { _ in .summarize },
            { harness in
                let connection = try await harness.connect()
                try await connection.send(
                    "POST /api/x HTTP/1.1\r\nHost: a.s20.online\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n"
                )
                let gotContinue = await connection.waitFor { bytes, _ in
                    String(decoding: bytes, as: UTF8.self).hasPrefix("HTTP/1.1 100")
                }
                #expect(gotContinue)
                try await connection.send("hello")
                let responses = await connection.waitForResponses(2)
                await connection.close()
                #expect(responses.map(\.status) == [100, 200])
                #expect(harness.upstream.completeRequests.first?.bodyString == "hello")
            }
        )
    }

    @Test func responseWithoutLengthIsChunkedToTheClient() async throws {
        try await withProxy(
            behavior: { _ in
                .raw("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nstreamed until close")
            },
            { harness in
                let connection = try await harness.connect()
                try await connection.send("GET / HTTP/1.1\r\nHost: a.s20.online\r\n\r\n")
                let responses = await connection.waitForResponses(1)
                await connection.close()
                let response = try #require(responses.first)
                #expect(response.header("transfer-encoding") == "chunked")
                #expect(response.bodyText == "streamed until close")
            }
        )
    }
}

extension String {
    /// Splits on a literal separator (no Foundation).
    func components(_ separator: String) -> [Substring] {
        var parts: [Substring] = []
        var rest = self[...]
        while let range = rest.firstRange(of: separator) {
            parts.append(rest[..<range.lowerBound])
            rest = rest[range.upperBound...]
        }
        parts.append(rest)
        return parts
    }
}

@Suite("Connection management")
struct ConnectionManagementTests {
    @Test func http10KeepAliveClientKeepsItsConnection() async throws {
        try await withProxy { harness in
            let connection = try await harness.connect()
            try await connection.send("GET /a HTTP/1.0\r\nHost: a.s20.online\r\nConnection: keep-alive\r\n\r\n")
            let first = await connection.waitForResponses(1)
            #expect(first.first?.status == 200)
            #expect(first.first?.header("connection")?.lowercased() == "keep-alive")
            try await connection.send("GET /b HTTP/1.0\r\nHost: a.s20.online\r\n\r\n")
            #expect(await connection.waitForClose())
            #expect(HTTPRawResponse.parseAll(connection.bytes).count == 2)
        }
    }

    @Test func connectionCloseIsHonoured() async throws {
        try await withProxy { harness in
            let result = try await harness.exchange("GET / HTTP/1.1\r\nHost: a.s20.online\r\nConnection: close\r\n\r\n")
            #expect(result.responses.first?.status == 200)
            #expect(result.responses.first?.header("connection") == "close")
            #expect(result.closedByPeer)
        }
    }

    @Test func pipelinedPostThenGetAreBothForwardedInOrder() async throws {
        try await withProxy(
            behavior: { head in
                head.method == .POST ? .summarize : .respond(.ok, HTTPHeaders(), "get")
            },
            { harness in
                let connection = try await harness.connect()
                try await connection.send(
                    "POST /api/a HTTP/1.1\r\nHost: a.s20.online\r\nContent-Length: 3\r\n\r\nabc"
                        + "GET /b HTTP/1.1\r\nHost: a.s20.online\r\n\r\n"
                )
                let responses = await connection.waitForResponses(2)
                await connection.close()
                #expect(responses.map(\.bodyText).first?.hasPrefix("received=3") == true)
                #expect(responses.last?.bodyText == "get")
                #expect(harness.upstream.completeRequests.map(\.head.uri) == ["/api/a", "/b"])
            }
        )
    }

    @Test func connectIsRefused() async throws {
        try await withProxy { harness in
            let result = try await harness.exchange(
                "CONNECT a.s20.online:443 HTTP/1.1\r\nHost: a.s20.online:443\r\n\r\n"
            )
            #expect(result.responses.first?.status == 405, "\(result.raw)")
            #expect(result.closedByPeer)
            #expect(harness.upstream.requests.isEmpty)
        }
    }
}

@Suite("Trailers")
struct TrailerTests {
    @Test func chunkedRequestTrailersReachTheUpstream() async throws {
        try await withProxy(
            behavior: { _ in .summarize },
            { harness in
                let connection = try await harness.connect()
                try await connection.send(
                    "POST /api/x HTTP/1.1\r\nHost: a.s20.online\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "3\r\nabc\r\n0\r\nX-Checksum: 42\r\n\r\n"
                )
                let responses = await connection.waitForResponses(1)
                await connection.close()
                #expect(responses.first?.status == 200)
                #expect(harness.upstream.completeRequests.first?.bodyString == "abc")
                #expect(harness.upstream.completeRequests.first?.trailers?["x-checksum"] == ["42"])
            }
        )
    }

    @Test func chunkedResponseTrailersReachTheClient() async throws {
        try await withProxy(
            behavior: { _ in
                .raw("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nX-Digest: abc\r\n\r\n")
            },
            { harness in
                let connection = try await harness.connect()
                try await connection.send("GET / HTTP/1.1\r\nHost: a.s20.online\r\n\r\n")
                let gotTrailer = await connection.waitFor { bytes, _ in
                    String(decoding: bytes, as: UTF8.self).lowercased().contains("x-digest: abc\r\n\r\n")
                }
                await connection.close()
                #expect(gotTrailer)
                #expect(HTTPRawResponse.parseAll(connection.bytes).first?.bodyText == "hello")
            }
        )
    }
}
