import NIOCore
import NIOHTTP1
import Proxy
import TestSupport
import Testing

/// A client exchange, its request decoder, the upstream connection it leases and its timers hold
/// one another strongly while its connection (or HTTP/2 stream) lives; each end lets go when the
/// connection ends or the upstream connection returns to its pool. These tests close connections
/// while the gateway keeps running, with upstream connections still pooled, and check that every
/// exchange is freed (the count is kept by debug builds, where the tests run).
@Suite("Exchange lifetime")
struct ExchangeLifetimeTests {
    static let get = "GET /customer/1 HTTP/1.1\r\nHost: acme.s20.online\r\n\r\n"

    /// Expects that no exchange is left alive on `harness`'s gateway within a few seconds.
    static func expectAllFreed(_ harness: ProxyHarness) async throws {
        let proxy = harness.proxy
        _ = try #require(proxy.liveExchangeCount, "debug builds count the exchanges")
        let freed = await eventually(timeout: .seconds(5)) { proxy.liveExchangeCount == 0 }
        #expect(freed, "alive: \(proxy.liveExchangeCount ?? -1)")
    }

    @Test func keepAliveConnectionsWithPooledUpstreamsAreFreed() async throws {
        try await withProxy { harness in
            for _ in 0..<3 {
                let connection = try await harness.connect()
                try await connection.send(Self.get + Self.get)
                let responses = await connection.waitForResponses(2)
                #expect(responses.map(\.status) == [200, 200])
                await connection.close()
            }
            try await Self.expectAllFreed(harness)
        }
    }

    @Test func aConnectionAnsweredByTheGatewayIsFreed() async throws {
        try await withProxy(decider: BlockCompanyDecider()) { harness in
            let connection = try await harness.connect()
            try await connection.send("GET /company/1 HTTP/1.1\r\nHost: acme.s20.online\r\n\r\n")
            let responses = await connection.waitForResponses(1)
            #expect(responses.first?.status == 403)
            await connection.close()
            try await Self.expectAllFreed(harness)
        }
    }

    @Test func aClientThatLeavesMidResponseIsFreed() async throws {
        try await withProxy(
            behavior: { _ in .trickle(parts: 50, every: .milliseconds(20)) },
            { harness in
                let connection = try await harness.connect()
                try await connection.send(Self.get)
                _ = await connection.waitFor { bytes, _ in !bytes.isEmpty }
                await connection.close()
                try await Self.expectAllFreed(harness)
            }
        )
    }

    @Test func anUpstreamPastItsDeadlineLeavesNoExchangeBehind() async throws {
        var timeouts = ProxyTimeouts()
        timeouts.upstreamResponse = .milliseconds(200)
        try await withProxy(
            timeouts: timeouts,
            behavior: { _ in .silent },
            { harness in
                let connection = try await harness.connect()
                try await connection.send(Self.get)
                let responses = await connection.waitForResponses(1)
                #expect(responses.first?.status == 504)
                await connection.close()
                try await Self.expectAllFreed(harness)
            }
        )
    }

    @Test func aWebSocketTunnelIsFreedWhenItCloses() async throws {
        try await withProxy(
            behavior: { _ in .webSocketEcho },
            { harness in
                let connection = try await harness.connect()
                try await connection.send(WebSocketTunnelTests.upgrade)
                let switched = await connection.waitFor { bytes, _ in
                    String(decoding: bytes, as: UTF8.self).contains("\r\n\r\n")
                }
                #expect(switched)
                await connection.close()
                try await Self.expectAllFreed(harness)
            }
        )
    }

    @Test func theStreamsOfAnHTTP2ConnectionAreFreed() async throws {
        try await HTTP2ForwardingTests.withHTTP2Proxy { harness, address in
            let client = try await HTTP2ForwardingTests.connect(harness, address)
            for _ in 0..<3 {
                let response = try await client.request(HTTP2ForwardingTests.get("/customer/1"))
                #expect(response.status == 200)
            }
            await client.close()
            try await Self.expectAllFreed(harness)
        }
    }

    @Test func streamsResetOrCutOffWithTheirConnectionMidResponseAreFreed() async throws {
        try await HTTP2ForwardingTests.withHTTP2Proxy(
            behavior: { _ in .trickle(parts: 100, every: .milliseconds(20)) },
            { harness, address in
                // Whatever the timing (on a loaded machine a stream may end or the connection
                // close before the next step), every exchange the streams made must be freed.
                let client = try await HTTP2ForwardingTests.connect(harness, address)
                let first = try? await client.startRequest(HTTP2ForwardingTests.get("/customer/1"))
                try? await client.openAndReset(count: 3, headers: HTTP2ForwardingTests.get("/customer/2"))
                for path in ["/customer/3", "/customer/4"] {
                    _ = try? await client.startRequest(HTTP2ForwardingTests.get(path))
                }
                let forwarded = await eventually { !harness.upstream.requests.isEmpty }
                #expect(forwarded)
                if let first { try? await client.reset(first) }
                await client.close()
                try await Self.expectAllFreed(harness)
            }
        )
    }

    @Test func pipelinedRequestsCutOffByTheClientAreFreed() async throws {
        try await withProxy(
            behavior: { _ in .trickle(parts: 50, every: .milliseconds(20)) },
            { harness in
                let connection = try await harness.connect()
                try await connection.send(Self.get + Self.get + Self.get)
                _ = await connection.waitFor { bytes, _ in !bytes.isEmpty }
                await connection.close()
                try await Self.expectAllFreed(harness)
            }
        )
    }
}
