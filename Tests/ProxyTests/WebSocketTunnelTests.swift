import NIOCore
import NIOHTTP1
import Proxy
import TestSupport
import Testing

@Suite("WebSocket tunnel")
struct WebSocketTunnelTests {
    static let upgrade =
        "GET /chat HTTP/1.1\r\nHost: a.s20.online\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"

    @Test func bytesFlowBothWaysAfterThe101() async throws {
        try await withProxy(
            behavior: { _ in .webSocketEcho },
            { harness in
                let connection = try await harness.connect()
                try await connection.send(Self.upgrade)
                let switched = await connection.waitFor { bytes, _ in
                    String(decoding: bytes, as: UTF8.self).contains("\r\n\r\n")
                }
                #expect(switched)
                #expect(connection.text.hasPrefix("HTTP/1.1 101"))
                #expect(connection.text.lowercased().contains("upgrade: websocket"))
                let seen = try #require(harness.upstream.requests.first)
                #expect(seen.head.headers["upgrade"] == ["websocket"])
                #expect(seen.head.headers["sec-websocket-key"] == ["dGhlIHNhbXBsZSBub25jZQ=="])

                let before = connection.bytes.count
                let frame: [UInt8] = [0x81, 0x85, 0x37, 0xFA, 0x21, 0x3D, 0x7F, 0x9F, 0x4D, 0x51, 0x58]
                try await connection.send(frame)
                let echoed = await connection.waitFor { bytes, _ in bytes.count >= before + frame.count }
                #expect(echoed)
                #expect(Array(connection.bytes[before...]) == frame)
                await connection.close()
            }
        )
    }

    @Test func bytesTheUpstreamSendsWithIts101ReachTheClient() async throws {
        // The first frame arrives in the same read as the 101: the response parser must hand it
        // to the tunnel, not drop it or parse it as HTTP.
        let accept =
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"
        try await withProxy(
            behavior: { _ in .raw(accept + "first frame") },
            { harness in
                let connection = try await harness.connect()
                try await connection.send(Self.upgrade)
                let arrived = await connection.waitFor { bytes, _ in
                    String(decoding: bytes, as: UTF8.self).hasSuffix("first frame")
                }
                #expect(arrived, "got \(connection.text)")
                #expect(connection.text.hasPrefix("HTTP/1.1 101"))
                await connection.close()
            }
        )
    }

    @Test func refusedUpgradeIsPassedOn() async throws {
        try await withProxy(
            behavior: { _ in .respond(.badRequest, HTTPHeaders(), "no upgrade") },
            { harness in
                let connection = try await harness.connect()
                try await connection.send(Self.upgrade)
                let responses = await connection.waitForResponses(1)
                await connection.close()
                #expect(responses.first?.status == 400)
                #expect(responses.first?.bodyText == "no upgrade")
            }
        )
    }
}

@Suite("Refused upgrades")
struct RefusedUpgradeTests {
    @Test func httpContinuesOnTheConnectionAfterARefusedUpgrade() async throws {
        try await withProxy(
            behavior: { head in
                head.uri == "/chat"
                    ? .respond(.unauthorized, HTTPHeaders(), "login first") : .respond(.ok, HTTPHeaders(), "next")
            },
            { harness in
                let connection = try await harness.connect()
                try await connection.send(WebSocketTunnelTests.upgrade)
                let first = await connection.waitForResponses(1)
                #expect(first.first?.status == 401)
                #expect(!connection.isClosed)
                try await connection.send("GET /after HTTP/1.1\r\nHost: a.s20.online\r\n\r\n")
                let both = await connection.waitForResponses(2)
                await connection.close()
                #expect(both.map(\.status) == [401, 200])
                #expect(both.last?.bodyText == "next")
            }
        )
    }

    @Test func requestPipelinedBehindARefusedUpgradeIsValidatedAndServed() async throws {
        try await withProxy(
            behavior: { head in
                head.uri == "/chat" ? .respond(.forbidden, HTTPHeaders(), "no") : .respond(.ok, HTTPHeaders(), "served")
            },
            { harness in
                let connection = try await harness.connect()
                try await connection.send(
                    WebSocketTunnelTests.upgrade + "GET /after HTTP/1.1\r\nHost: a.s20.online\r\n\r\n"
                )
                let responses = await connection.waitForResponses(2)
                await connection.close()
                #expect(responses.map(\.status) == [403, 200])
            }
        )
    }

    @Test func malformedRequestBehindARefusedUpgradeIsRejected() async throws {
        try await withProxy(
            behavior: { _ in .respond(.forbidden, HTTPHeaders(), "no") },
            { harness in
                let result = try await harness.exchange(
                    WebSocketTunnelTests.upgrade + "GET /x HTTP/1.1\r\nHost: a.s20.online\r\nX-A : b\r\n\r\n"
                )
                #expect(result.responses.map(\.status) == [403, 400])
                #expect(result.closedByPeer)
                #expect(harness.upstream.completeRequests.map(\.head.uri) == ["/chat"])
            }
        )
    }

    @Test func framesSentRightAfterTheUpgradeRequestReachTheUpstream() async throws {
        try await withProxy(
            behavior: { _ in .webSocketEcho },
            { harness in
                let connection = try await harness.connect()
                let frame: [UInt8] = [0x81, 0x82, 0x01, 0x02, 0x03, 0x04, 0x69, 0x6B]
                try await connection.send(Array(WebSocketTunnelTests.upgrade.utf8) + frame)
                let echoed = await connection.waitFor { bytes, _ in
                    guard let end = HTTPRawResponse.find([13, 10, 13, 10], in: bytes, from: 0) else { return false }
                    return bytes.count >= end + 4 + frame.count
                }
                #expect(echoed)
                await connection.close()
            }
        )
    }
}
