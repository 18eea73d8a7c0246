import NIOCore
import NIOHTTP1
import NIOPosix
import TestSupport
import Testing

@testable import Proxy

/// `--proxy-protocol` through a running listener: the header's client is the one forwarded and
/// logged; a trusted peer without a header and an untrusted peer with one are closed.
@Suite struct ProxyProtocolListenerTests {
    static func withListener(
        trusted: String,
        _ body: (SocketAddress, MultiThreadedEventLoopGroup, RecordingUpstream) async throws -> Void
    ) async throws {
        let block = try #require(CIDRBlock(trusted))
        let proxyProtocol: (inout ProxyConfiguration) -> Void = { $0.proxyProtocol = true }
        try await withProxy(trustedProxies: [block], configure: proxyProtocol) { harness in
            try await body(harness.proxyAddress, harness.group, harness.upstream)
        }
    }

    @Test func aTrustedBalancersV1HeaderNamesTheClient() async throws {
        try await Self.withListener(trusted: "127.0.0.0/8") { address, group, upstream in
            let result = try await RawHTTPConnection.exchange(
                "PROXY TCP4 203.0.113.7 192.0.2.1 51234 443\r\n"
                    + "GET /customer/1 HTTP/1.1\r\nHost: acme.s20.online\r\nX-Forwarded-For: 6.6.6.6\r\nConnection: close\r\n\r\n",
                with: address,
                group: group
            )
            #expect(result.responses.first?.status == 200)
            // The client is no trusted proxy: its own X-Forwarded-For is replaced by its address.
            #expect(upstream.requests.first?.head.headers["x-forwarded-for"] == ["203.0.113.7"])
        }
    }

    @Test func aV2HeaderWorksToo() async throws {
        try await Self.withListener(trusted: "127.0.0.0/8") { address, group, upstream in
            let signature: [UInt8] = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A]
            let header: [UInt8] =
                signature + [0x21, 0x11, 0x00, 0x0C] + [198, 51, 100, 9] + [192, 0, 2, 1] + [0xC8, 0x00] + [0x01, 0xBB]
            let connection = try await RawHTTPConnection.connect(to: address, group: group)
            try await connection.send(
                header + Array("GET / HTTP/1.1\r\nHost: acme.s20.online\r\nConnection: close\r\n\r\n".utf8)
            )
            #expect(await connection.waitForResponses(1).first?.status == 200)
            await connection.close()
            #expect(upstream.requests.first?.head.headers["x-forwarded-for"] == ["198.51.100.9"])
        }
    }

    /// A header that names no client (v1 `UNKNOWN`, v2 `LOCAL`) leaves the balancer as the client,
    /// untrusted: a balancer relaying TCP wrote none of the request's fields, so its
    /// `X-Forwarded-For` and `X-Request-Id` are the client's own and are replaced.
    @Test(arguments: [
        Array("PROXY UNKNOWN\r\n".utf8),
        [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A, 0x20, 0x00, 0x00, 0x00],
    ])
    func aHeaderThatNamesNoClientLeavesTheBalancerUntrusted(header: [UInt8]) async throws {
        try await Self.withListener(trusted: "127.0.0.0/8") { address, group, upstream in
            let connection = try await RawHTTPConnection.connect(to: address, group: group)
            try await connection.send(
                header
                    + Array(
                        ("GET / HTTP/1.1\r\nHost: acme.s20.online\r\nX-Forwarded-For: 6.6.6.6\r\n"
                            + "X-Request-Id: chosen-by-the-client\r\nConnection: close\r\n\r\n").utf8
                    )
            )
            #expect(await connection.waitForResponses(1).first?.status == 200)
            await connection.close()
            let headers = try #require(upstream.requests.first?.head.headers)
            #expect(headers["x-forwarded-for"] == ["127.0.0.1"])
            #expect(headers["x-request-id"] != ["chosen-by-the-client"])
        }
    }

    @Test func aTrustedPeerWithoutAHeaderIsClosed() async throws {
        try await Self.withListener(trusted: "127.0.0.0/8") { address, group, upstream in
            let result = try await RawHTTPConnection.exchange(
                "GET / HTTP/1.1\r\nHost: acme.s20.online\r\n\r\n",
                with: address,
                group: group
            )
            #expect(result.responses.isEmpty)
            #expect(result.closedByPeer)
            #expect(upstream.requests.isEmpty)
        }
    }

    @Test func anUntrustedPeerIsClosedEvenWithAHeader() async throws {
        try await Self.withListener(trusted: "10.0.0.0/8") { address, group, upstream in
            // Closed as soon as it is accepted: the write may already fail.
            let connection = try await RawHTTPConnection.connect(to: address, group: group)
            try? await connection.send(
                "PROXY TCP4 203.0.113.7 192.0.2.1 51234 443\r\nGET / HTTP/1.1\r\nHost: acme.s20.online\r\n\r\n"
            )
            #expect(await connection.waitForClose())
            #expect(connection.bytes.isEmpty)
            #expect(upstream.requests.isEmpty)
        }
    }
}
