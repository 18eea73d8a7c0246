import NIOCore
import NIOHTTP1
import Proxy
import TestSupport
import Testing

@Suite("Header hygiene end to end")
struct HeaderForwardingTests {
    @Test func hopByHopAndClientForwardingHeadersAreReplaced() async throws {
        try await withProxy { harness in
            let connection = try await harness.connect()
            try await connection.send(
                "GET /customer HTTP/1.1\r\nHost: acme.s20.online\r\nConnection: keep-alive, X-Secret\r\n"
                    + "X-Secret: s\r\nKeep-Alive: timeout=5\r\nTE: trailers\r\nProxy-Connection: keep-alive\r\n"
                    + "Forwarded: for=1.2.3.4\r\nX-Forwarded-For: 1.2.3.4\r\nX-Forwarded-Host: evil\r\n"
                    + "X-Forwarded-Proto: https\r\nX-Keep: 1\r\nX-Keep: 2\r\nAccept: text/html\r\n\r\n"
            )
            _ = await connection.waitForResponses(1)
            await connection.close()
            let seen = try #require(harness.upstream.completeRequests.first)
            let names = seen.head.headers.map { $0.name.lowercased() }
            for removed in ["x-secret", "keep-alive", "te", "proxy-connection", "forwarded"] {
                #expect(!names.contains(removed), "\(removed) was forwarded")
            }
            #expect(seen.head.headers[canonicalForm: "x-keep"] == ["1", "2"])
            #expect(seen.head.headers["x-forwarded-for"] == ["127.0.0.1"])
            #expect(seen.head.headers["x-forwarded-host"] == ["acme.s20.online"])
            #expect(seen.head.headers["x-forwarded-proto"] == ["http"])
            #expect(seen.head.headers["via"] == ["1.1 freezegate"])
            #expect(seen.head.headers["host"] == ["acme.s20.online"])
            // Order of the end-to-end fields is kept.
            let kept = seen.head.headers.map(\.name).filter { ["Host", "X-Keep", "Accept"].contains($0) }
            #expect(kept == ["Host", "X-Keep", "X-Keep", "Accept"])
        }
    }

    @Test func trustedProxyForwardedForIsAppended() async throws {
        let trusted = try #require(CIDRBlock("127.0.0.0/8"))
        try await withProxy(trustedProxies: [trusted]) { harness in
            let connection = try await harness.connect()
            try await connection.send(
                "GET / HTTP/1.1\r\nHost: a.s20.online\r\nX-Forwarded-For: 203.0.113.7\r\nX-Forwarded-Proto: https\r\n\r\n"
            )
            _ = await connection.waitForResponses(1)
            await connection.close()
            let seen = try #require(harness.upstream.completeRequests.first)
            #expect(seen.head.headers["x-forwarded-for"] == ["203.0.113.7, 127.0.0.1"])
            #expect(seen.head.headers["x-forwarded-proto"] == ["https"])
        }
    }

    @Test func responseHopByHopHeadersAreRemoved() async throws {
        try await withProxy(
            behavior: { _ in
                var headers = HTTPHeaders()
                headers.add(name: "Connection", value: "X-Internal")
                headers.add(name: "X-Internal", value: "secret")
                headers.add(name: "Keep-Alive", value: "timeout=5")
                headers.add(name: "X-Public", value: "yes")
                return .respond(.created, headers, "made")
            },
            { harness in
                let connection = try await harness.connect()
                try await connection.send("GET / HTTP/1.1\r\nHost: a.s20.online\r\n\r\n")
                let response = try #require(await connection.waitForResponses(1).first)
                await connection.close()
                #expect(response.status == 201)
                #expect(response.header("x-internal") == nil)
                #expect(response.header("keep-alive") == nil)
                #expect(response.header("x-public") == "yes")
                #expect(response.bodyText == "made")
            }
        )
    }

    @Test func absoluteFormTargetIsForwardedInOriginForm() async throws {
        try await withProxy { harness in
            let connection = try await harness.connect()
            try await connection.send("GET http://acme.s20.online/customer/1?a=b HTTP/1.1\r\nHost: other\r\n\r\n")
            _ = await connection.waitForResponses(1)
            await connection.close()
            let seen = try #require(harness.upstream.completeRequests.first)
            #expect(seen.head.uri == "/customer/1?a=b")
            #expect(seen.head.headers["host"] == ["acme.s20.online"])
        }
    }

    @Test func h2cUpgradeIsNeverForwarded() async throws {
        try await withProxy { harness in
            let connection = try await harness.connect()
            try await connection.send(
                "GET / HTTP/1.1\r\nHost: a.s20.online\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"
                    + "HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n"
            )
            let responses = await connection.waitForResponses(1)
            await connection.close()
            #expect(responses.first?.status == 200)
            let seen = try #require(harness.upstream.completeRequests.first)
            #expect(!seen.head.headers.contains(name: "upgrade"))
            #expect(!seen.head.headers.contains(name: "http2-settings"))
        }
    }
}
