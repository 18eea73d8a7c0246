import NIOCore
import NIOHTTP1
import NIOHTTP2
import Proxy
import Testing

@testable import TestSupport

/// Clients that abuse HTTP/2 itself: each abuse is bounded (the connection is told why with
/// GOAWAY and closed, or the stream is refused) and nothing of it reaches the upstream.
@Suite("HTTP/2 abuse")
struct HTTP2AbuseTests {
    typealias Bytes = HTTP2FrameBytes

    static let enhanceYourCalm = UInt32(0xB)
    static let protocolError = UInt32(0x1)
    static let compressionError = UInt32(0x9)
    static let refusedStream = UInt32(0x7)

    static func raw(_ harness: ProxyHarness, _ address: SocketAddress) async throws -> RawHTTP2Connection {
        let connection = try await RawHTTP2Connection.connect(
            to: address,
            serverName: HTTP2ForwardingTests.host,
            group: harness.group
        )
        try await connection.acknowledgeServerSettings()
        return connection
    }

    static var getBlock: [UInt8] {
        get throws { try Bytes.block(HTTP2ForwardingTests.get("/customer")) }
    }

    /// A header block that never ends: HEADERS without END_HEADERS, then CONTINUATION frames
    /// (the 2024 CONTINUATION flood). The gateway stops after a few frames, not after the block's
    /// end, so it never holds more than a few frames of it.
    @Test func aContinuationFloodGetsGoAwayAndIsClosed() async throws {
        try await HTTP2ForwardingTests.withHTTP2Proxy { harness, address in
            let connection = try await Self.raw(harness, address)
            var flood = Bytes.headers(stream: 1, block: try Self.getBlock, flags: 0)
            for _ in 0..<10_000 {
                flood += Bytes.continuation(stream: 1, block: Array(repeating: 0x40, count: 8), endHeaders: false)
            }
            try? await connection.send(flood)
            #expect(await eventually { connection.isClosed })
            #expect(connection.goAwayCodes == [Self.enhanceYourCalm], "\(connection.frames.map(\.kind))")
            #expect(harness.upstream.requests.isEmpty)
            #expect(harness.upstream.connectionCount == 0)
        }
    }

    /// SETTINGS and PING cost the server an answer each: more than 200 within 30 s and the
    /// connection gets GOAWAY (ENHANCE_YOUR_CALM) and is closed.
    @Test(arguments: [("SETTINGS", Bytes.settings()), ("PING", Bytes.ping(42))])
    func aControlFrameFloodGetsGoAwayAndIsClosed(_ name: String, _ frame: [UInt8]) async throws {
        try await HTTP2ForwardingTests.withHTTP2Proxy { harness, address in
            let connection = try await Self.raw(harness, address)
            try? await connection.send(Array((0..<5_000).map { _ in frame }.joined()))
            #expect(await eventually { connection.isClosed }, "\(name)")
            #expect(connection.goAwayCodes == [Self.enhanceYourCalm], "\(name)")
            // Answered at most up to the limit, not once per frame sent.
            let acks = connection.frames.filter {
                $0.kind == frame[3] && $0.flags == Bytes.ack
            }
            #expect(acks.count <= 210, "\(name): \(acks.count) answers")
        }
    }

    /// The client asks for 150 streams at once where the gateway allows 100: the streams beyond
    /// are refused, and no more than 100 requests reach the upstream.
    @Test func streamsBeyondTheConcurrencyLimitAreRefusedAndNeverForwarded() async throws {
        try await HTTP2ForwardingTests.withHTTP2Proxy(behavior: HTTP2ForwardingTests.always(.silent)) {
            harness,
            address in
            let connection = try await Self.raw(harness, address)
            let block = try Self.getBlock
            var burst: [UInt8] = []
            for index in 0..<150 {
                burst += Bytes.headers(
                    stream: UInt32(2 * index + 1),
                    block: block,
                    flags: Bytes.endStream | Bytes.endHeaders
                )
            }
            try? await connection.send(burst)
            // Refused: a REFUSED_STREAM reset for the streams beyond, or a connection error.
            #expect(
                await eventually {
                    connection.goAwayCodes.contains(Self.protocolError)
                        || connection.resetCodes.values.filter { $0 == Self.refusedStream }.count == 50
                },
                "\(connection.frames.map(\.kind))"
            )
            let beyond = Set((100..<150).map { UInt32(2 * $0 + 1) })
            #expect(connection.answeredStreams.isDisjoint(with: beyond))
            // A connection error closes the connection (RFC 9113 §5.4.1).
            if connection.goAwayCodes.contains(Self.protocolError) {
                #expect(await eventually { connection.isClosed }, "open after a connection error")
            }
            try await Task.sleep(for: .milliseconds(500))
            #expect(harness.upstream.requests.count <= 100, "\(harness.upstream.requests.count)")
            let forwarded = Set(harness.upstream.requests.map(\.head.uri))
            #expect(forwarded.isSubset(of: ["/customer"]))
        }
    }

    /// A header list larger than the limit (64 KiB) that arrives compressed to a few bytes: one
    /// 2 KB field entered into the HPACK table, then named by its index 40 times. Decoding stops
    /// at the limit; the connection is told why and closed; nothing reaches the upstream.
    @Test func aHeaderListThatDecompressesPastTheLimitIsRefused() async throws {
        try await HTTP2ForwardingTests.withHTTP2Proxy { harness, address in
            let connection = try await Self.raw(harness, address)
            // Small enough for the HPACK table (4 KiB), so each repeat is one index byte.
            let big = String(repeating: "a", count: 2_000)
            let block = try Bytes.block(
                HTTP2ForwardingTests.get("/customer") + Array(repeating: ("x-bomb", big), count: 40)
            )
            #expect(block.count < 16_384, "\(block.count): not a bomb, no CONTINUATION wanted")
            try? await connection.send(
                Bytes.headers(stream: 1, block: block, flags: Bytes.endStream | Bytes.endHeaders)
            )
            #expect(await eventually { !connection.goAwayCodes.isEmpty || !connection.resetCodes.isEmpty })
            #expect(harness.upstream.requests.isEmpty)
            #expect(harness.upstream.connectionCount == 0)
            if let code = connection.goAwayCodes.first {
                #expect(code == Self.compressionError || code == Self.protocolError, "\(code)")
                #expect(await eventually { connection.isClosed }, "open after a connection error")
            }
        }
    }

    /// A header block larger than the limit sent as it is, over CONTINUATION frames: refused
    /// once the frames pass the limit, before any of it is decoded.
    @Test func aHeaderBlockLargerThanTheLimitIsRefusedBeforeDecoding() async throws {
        try await HTTP2ForwardingTests.withHTTP2Proxy { harness, address in
            let connection = try await Self.raw(harness, address)
            var fields = HTTP2ForwardingTests.get("/customer")
            for index in 0..<38 {
                // Distinct values: the table cannot shorten them.
                fields.append(("x-field-\(index)", String(repeating: "\(index % 10)", count: 2_000)))
            }
            let block = try Bytes.block(fields, huffman: false)
            #expect(block.count > 64 * 1024 && block.count < 5 * 16_384, "\(block.count)")
            var frames = Bytes.headers(stream: 1, block: Array(block[0..<16_384]), flags: Bytes.endStream)
            var offset = 16_384
            while offset < block.count {
                let end = min(offset + 16_384, block.count)
                frames += Bytes.continuation(
                    stream: 1,
                    block: Array(block[offset..<end]),
                    endHeaders: end == block.count
                )
                offset = end
            }
            try? await connection.send(frames)
            #expect(await eventually { connection.isClosed })
            #expect(connection.goAwayCodes == [Self.protocolError])
            #expect(harness.upstream.requests.isEmpty)
        }
    }

    /// More fields than the configured HTTP/1.1 limit: 431 over HTTP/2 as over HTTP/1.1, with
    /// the limit the gateway was given, not the default.
    @Test func tooManyFieldsIs431UnderTheConfiguredLimit() async throws {
        var limits = RequestLimits()
        limits.maxHeaderCount = 10
        try await HTTP2ForwardingTests.withHTTP2Proxy(limits: limits) { harness, address in
            let client = try await HTTP2ForwardingTests.connect(harness, address)
            defer { Task { await client.close() } }
            let fields = (0..<20).map { ("x-field-\($0)", "1") }
            let refused = try await client.request(HTTP2ForwardingTests.get("/customer", fields))
            #expect(refused.status == 431, "\(refused)")
            #expect(harness.upstream.requests.isEmpty)
            let fine = try await client.request(HTTP2ForwardingTests.get("/customer", Array(fields.prefix(5))))
            #expect(fine.status == 200)
        }
    }

    /// A target longer than the configured request-line limit: 414, as over HTTP/1.1.
    @Test func aTargetPastTheConfiguredLimitIs414() async throws {
        var limits = RequestLimits()
        limits.maxRequestLineBytes = 100
        try await HTTP2ForwardingTests.withHTTP2Proxy(limits: limits) { harness, address in
            let client = try await HTTP2ForwardingTests.connect(harness, address)
            defer { Task { await client.close() } }
            let long = try await client.request(
                HTTP2ForwardingTests.get("/customer?" + String(repeating: "q", count: 200))
            )
            #expect(long.status == 414, "\(long)")
            #expect(harness.upstream.requests.isEmpty)
        }
    }

    /// A client that asks for a large response and never reads it: its stream's window stays
    /// closed, so the gateway stops reading the upstream. What the upstream managed to write
    /// stalls far below the response's size (the window, the gateway's buffers and the kernel's
    /// socket buffers), grows again only when the client reads, and the reset releases the
    /// upstream connection.
    @Test func aClientThatNeverReadsStallsTheUpstreamWithinABound() async throws {
        let size = 128 * 1024 * 1024
        try await HTTP2ForwardingTests.withHTTP2Proxy(
            behavior: HTTP2ForwardingTests.always(.stream(bytes: size, chunked: false))
        ) { harness, address in
            let client = try await HTTP2ForwardingTests.connect(harness, address)
            defer { Task { await client.close() } }
            let stream = try await client.startUnreadRequest(HTTP2ForwardingTests.get("/files/big"))
            let stalled = await Self.stalledValue { harness.upstream.streamedBytes }
            #expect(stalled > 0)
            #expect(stalled < 24 * 1024 * 1024, "the gateway read \(stalled) of \(size) bytes for a closed window")
            // The client reads: its window opens and the upstream is read again.
            #expect(
                await eventually(timeout: .seconds(20)) {
                    stream.read()
                    return harness.upstream.streamedBytes > stalled
                }
            )
            try await client.reset(stream)
            #expect(await eventually { harness.upstream.openConnectionCount == 0 })
            #expect(harness.upstream.streamedBytes < size)
        }
    }

    /// Polls `value` until it stays the same for a second (a stall), at most 60 s.
    static func stalledValue(_ value: () -> Int) async -> Int {
        var last = value()
        var unchangedSince = ContinuousClock.now
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(100))
            let now = value()
            if now != last {
                last = now
                unchangedSince = ContinuousClock.now
            } else if ContinuousClock.now - unchangedSince >= .seconds(1) {
                return now
            }
        }
        return value()
    }
}
