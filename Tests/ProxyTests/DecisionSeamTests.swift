import NIOCore
import NIOHTTP1
import Proxy
import TestSupport
import Testing

/// A decider that answers `/company/**` itself and forwards the rest.
struct BlockCompanyDecider: RequestDecider {
    func decide(_ request: InboundRequest) -> ProxyDecision {
        let tags = DecisionTags(requestClass: "admin", decision: "block", tenant: "acme")
        guard request.head.uri.hasPrefix("/company") else {
            return .forward(request.head, DecisionTags(requestClass: "public", decision: "forward"))
        }
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "text/plain")
        headers.add(name: "Cache-Control", value: "no-store")
        return .respond(GatewayResponse(status: .forbidden, headers: headers, body: ByteBuffer(string: "frozen")), tags)
    }
}

@Suite("Decision seam")
struct DecisionSeamTests {
    @Test func answeredRequestNeverReachesUpstreamAndConnectionStaysUsable() async throws {
        try await withProxy(decider: BlockCompanyDecider()) { harness in
            let connection = try await harness.connect()
            try await connection.send(
                "POST /company/1/settings HTTP/1.1\r\nHost: acme.s20.online\r\nContent-Length: 5\r\n\r\nhello"
                    + "GET /customer HTTP/1.1\r\nHost: acme.s20.online\r\n\r\n"
            )
            let responses = await connection.waitForResponses(2)
            #expect(!connection.isClosed)
            await connection.close()
            #expect(responses.map(\.status) == [403, 200])
            #expect(responses.first?.bodyText == "frozen")
            #expect(responses.first?.header("cache-control") == "no-store")
            #expect(harness.upstream.requests.map(\.head.uri) == ["/customer"])
        }
    }

    /// After a local answer the rest of the body is read and discarded under the client idle
    /// timeout: a client that stops sending it loses the connection, as an idle one does.
    @Test func aBodyLeftUnfinishedAfterALocalAnswerClosesAfterTheIdleTimeout() async throws {
        var timeouts = ProxyTimeouts()
        timeouts.clientIdle = .seconds(5)
        try await withProxy(decider: BlockCompanyDecider(), timeouts: timeouts) { harness in
            let connection = try await harness.connect()
            // The head, then body bytes for six seconds (past one idle time), all paced by the
            // connection's event loop: a busy test run cannot stretch the gaps between them.
            let head = "POST /company/1/settings HTTP/1.1\r\nHost: acme.s20.online\r\nContent-Length: 100\r\n\r\nhello"
            // (A write to a connection closed meanwhile would throw here.)
            try await connection.sendPaced([head] + Array(repeating: "x", count: 60), every: .milliseconds(100))
            #expect(HTTPRawResponse.parseAll(connection.bytes).map(\.status) == [403])
            // ...and it closes once they stop.
            #expect(await connection.waitForClose(timeout: .seconds(20)))
            #expect(harness.upstream.requests.isEmpty)
        }
    }

    @Test func headGetsHeadersWithoutBody() async throws {
        try await withProxy(decider: BlockCompanyDecider()) { harness in
            let connection = try await harness.connect()
            try await connection.send("HEAD /company/1 HTTP/1.1\r\nHost: acme.s20.online\r\nConnection: close\r\n\r\n")
            #expect(await connection.waitForClose())
            let responses = HTTPRawResponse.parseAll(connection.bytes, bodyless: true)
            #expect(responses.first?.status == 403)
            #expect(responses.first?.header("content-length") == "6")
            #expect(!connection.text.contains("frozen"))
        }
    }

    /// A decider that answers HEAD as RFC 9110 §8.6 allows: the GET's length declared, no body.
    struct DeclaredLengthHeadDecider: RequestDecider {
        func decide(_ request: InboundRequest) -> ProxyDecision {
            var headers = HTTPHeaders()
            headers.add(name: "Content-Length", value: "1234")
            return .respond(
                GatewayResponse(status: .forbidden, headers: headers),
                DecisionTags(requestClass: "admin", decision: "block")
            )
        }
    }

    @Test func headKeepsTheDeclaredLengthOfAnEmptyBody() async throws {
        try await withProxy(decider: DeclaredLengthHeadDecider()) { harness in
            let connection = try await harness.connect()
            try await connection.send("HEAD /company/1 HTTP/1.1\r\nHost: acme.s20.online\r\nConnection: close\r\n\r\n")
            #expect(await connection.waitForClose())
            let response = HTTPRawResponse.parseAll(connection.bytes, bodyless: true).first
            #expect(response?.status == 403)
            #expect(response?.header("content-length") == "1234")
        }
    }

    @Test func chunkedBodyOfAnsweredRequestClosesTheConnection() async throws {
        try await withProxy(decider: BlockCompanyDecider()) { harness in
            let connection = try await harness.connect()
            try await connection.send(
                "POST /company/1 HTTP/1.1\r\nHost: acme.s20.online\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n"
            )
            #expect(await connection.waitForClose())
            #expect(HTTPRawResponse.parseAll(connection.bytes).first?.status == 403)
            #expect(harness.upstream.requests.isEmpty)
        }
    }
}
