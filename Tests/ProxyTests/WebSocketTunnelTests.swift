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
        try await withProxy(behavior: { _ in .webSocketEcho }) { harness in
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
    }

    @Test func refusedUpgradeIsPassedOn() async throws {
        try await withProxy(behavior: { _ in .respond(.badRequest, HTTPHeaders(), "no upgrade") }) { harness in
            let result = try await harness.exchange(Self.upgrade)
            #expect(result.responses.first?.status == 400)
            #expect(result.responses.first?.bodyText == "no upgrade")
        }
    }
}
