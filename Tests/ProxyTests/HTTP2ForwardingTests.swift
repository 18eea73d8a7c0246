import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTP2
import Proxy
import Testing

@testable import TestSupport

/// HTTP/2 on the HTTPS listener: each stream is one exchange with the Gate and forwarding rules
/// of HTTP/1.1, forwarded over HTTP/1.1, with every downgrade-smuggling path refused.
@Suite("HTTP/2")
struct HTTP2ForwardingTests {
    static let host = "acme.s20.online"

    /// A proxy with an HTTPS listener (certificate for `*.s20.online`) in front of a recording upstream.
    static func withHTTP2Proxy<T>(
        threads: Int = 2,
        decider: any RequestDecider = ForwardAllDecider(),
        timeouts: ProxyTimeouts = ProxyTimeouts(),
        limits: RequestLimits = RequestLimits(),
        accessLog: AccessLogSink? = nil,
        trustedProxies: [CIDRBlock] = [],
        proxyProtocol: Bool = false,
        logger: Logger = ProxyHarness.logger,
        behavior: @escaping @Sendable (HTTPRequestHead) -> UpstreamBehavior = { _ in
            .respond(.ok, HTTPHeaders(), "hello")
        },
        _ body: (ProxyHarness, SocketAddress) async throws -> T
    ) async throws -> T {
        let folder = try TemporaryDirectory()
        let authority = try TestCertificateAuthority()
        let issued = try authority.issue(dnsNames: ["*.s20.online"])
        try TestCertificateAuthority.write(issued.certificatePEM, to: folder.path + "/cert.pem")
        try TestCertificateAuthority.write(issued.keyPEM, to: folder.path + "/key.pem")
        let certificate = try TLSCertificateLoader.load(
            certificateFile: folder.path + "/cert.pem",
            keyFile: folder.path + "/key.pem"
        )
        let context = try TLSServerContext(certificates: TLSCertificateSet([certificate]))
        let listener = TLSListenerConfiguration(
            address: try SocketAddress(ipAddress: "127.0.0.1", port: 0),
            context: context
        )
        let harness = try await ProxyHarness.start(
            threads: threads,
            decider: decider,
            timeouts: timeouts,
            limits: limits,
            trustedProxies: trustedProxies,
            accessLog: accessLog,
            logger: logger,
            configure: {
                $0.tls = listener
                $0.proxyProtocol = proxyProtocol
            },
            behavior: behavior
        )
        do {
            guard let address = harness.proxy.tlsLocalAddress else { throw ChannelError.unknownLocalAddress }
            let result = try await body(harness, address)
            await harness.stop()
            return result
        } catch {
            await harness.stop()
            throw error
        }
    }

    static func always(_ behavior: UpstreamBehavior) -> @Sendable (HTTPRequestHead) -> UpstreamBehavior {
        { _ in behavior }
    }

    @Sendable static func echoPath(_ head: HTTPRequestHead) -> UpstreamBehavior {
        .respond(.ok, HTTPHeaders(), "path=\(head.uri)")
    }

    @Sendable static func dieOnDie(_ head: HTTPRequestHead) -> UpstreamBehavior {
        head.uri == "/die" ? .closeImmediately : .respond(.ok, HTTPHeaders(), "fine")
    }

    static func connect(_ harness: ProxyHarness, _ address: SocketAddress) async throws -> HTTP2TestClient {
        try await HTTP2TestClient.connect(to: address, serverName: Self.host, group: harness.group)
    }

    static func get(_ path: String, _ extra: [(String, String)] = []) -> [(String, String)] {
        [(":method", "GET"), (":scheme", "https"), (":authority", Self.host), (":path", path)] + extra
    }

    static func post(_ path: String, _ extra: [(String, String)] = []) -> [(String, String)] {
        [(":method", "POST"), (":scheme", "https"), (":authority", Self.host), (":path", path)] + extra
    }

    @Test func aStreamIsForwardedAsAnHTTP1RequestWithTheForwardingHeaders() async throws {
        try await Self.withHTTP2Proxy { harness, address in
            let client = try await Self.connect(harness, address)
            defer { Task { await client.close() } }
            let response = try await client.request(
                Self.get(
                    "/api/v2/customer/index?page=2",
                    [("user-agent", "h2-test"), ("cookie", "a=1"), ("cookie", "b=2")]
                )
            )
            #expect(response.status == 200)
            #expect(response.bodyString == "hello")
            #expect(response.value("x-request-id")?.isEmpty == false)
            #expect(response.value("connection") == nil)
            let recorded = try #require(harness.upstream.completeRequests.first)
            #expect(recorded.head.version == .http1_1)
            #expect(recorded.head.uri == "/api/v2/customer/index?page=2")
            #expect(recorded.head.headers["host"] == [Self.host])
            #expect(recorded.head.headers["cookie"] == ["a=1; b=2"])
            #expect(recorded.head.headers["x-forwarded-proto"] == ["https"])
            #expect(recorded.head.headers["x-request-id"] == [response.value("x-request-id") ?? ""])
            #expect(recorded.head.headers["transfer-encoding"].isEmpty)
            #expect(recorded.head.headers["content-length"].isEmpty)
        }
    }

    /// A value that is not ASCII reaches the upstream as the bytes the client sent: UTF-8 in
    /// HTTP/2, so UTF-8 in the HTTP/1.1 head (it left as `caf` and the byte 0xE9 before).
    @Test func aValueBeyondASCIIReachesTheUpstreamAsTheClientsBytes() async throws {
        let value = "отчёт-café.pdf"
        try await Self.withHTTP2Proxy { harness, address in
            let client = try await Self.connect(harness, address)
            defer { Task { await client.close() } }
            let response = try await client.request(Self.get("/customer", [("x-file-name", value)]))
            #expect(response.status == 200)
            let line = Array("x-file-name: ".utf8) + Array(value.utf8) + Array("\r\n".utf8)
            #expect(harness.upstream.receivedBytes.contains { $0.firstRange(of: line) != nil })
        }
    }

    @Test func manyStreamsOnOneConnectionEachGetTheirOwnAnswer() async throws {
        try await Self.withHTTP2Proxy(behavior: Self.echoPath) { harness, address in
            let client = try await Self.connect(harness, address)
            defer { Task { await client.close() } }
            try await withThrowingTaskGroup(of: (Int, HTTP2TestResponse).self) { group in
                for index in 0..<20 {
                    group.addTask { (index, try await client.request(Self.get("/customer/\(index)"))) }
                }
                for try await (index, response) in group {
                    #expect(response.status == 200)
                    #expect(response.bodyString == "path=/customer/\(index)")
                }
            }
            #expect(harness.upstream.completeRequests.count == 20)
        }
    }

    /// The HTTP/2 handler writes a response as several buffers (HEADERS, a DATA frame's header,
    /// its payload); gathered before the TLS handler, a small response leaves as one TLS record,
    /// not one per buffer.
    @Test func aSmallResponseLeavesAsOneTLSRecord() async throws {
        try await Self.withHTTP2Proxy { harness, address in
            let connection = try await HTTP2AbuseTests.raw(harness, address)
            // The server's SETTINGS acknowledgement and TLS 1.3 session tickets come first.
            #expect(await eventually { connection.frames.contains { $0.kind == 0x4 && $0.flags == 0x1 } })
            var before = connection.applicationDataRecords
            for _ in 0..<50 {
                try await Task.sleep(for: .milliseconds(100))
                if connection.applicationDataRecords == before { break }
                before = connection.applicationDataRecords
            }
            try await connection.send(
                HTTP2FrameBytes.headers(
                    stream: 1,
                    block: try HTTP2FrameBytes.block(Self.get("/customer/1")),
                    flags: HTTP2FrameBytes.endHeaders | HTTP2FrameBytes.endStream
                )
            )
            #expect(await eventually { connection.frames.contains { $0.stream == 1 && $0.flags & 0x1 != 0 } })
            let frames = connection.frames.filter { $0.stream == 1 }.map(\.kind)
            #expect(frames == [0x1, 0x0], "HEADERS then DATA: \(frames)")
            #expect(connection.applicationDataRecords - before == 1)
            await connection.close()
        }
    }

    /// Answers of several streams that the event loop reads in one pass leave together: one
    /// flush, one TLS record and one write for all of them, not one each. On one thread the
    /// gateway, its upstream and the client share one loop, so each step is one pass: ten
    /// HEADERS read at once, ten requests written on ten pooled connections, ten answers written
    /// by the upstream, then read by the gateway in one pass.
    @Test func answersReadInOnePassLeaveAsOneTLSRecord() async throws {
        try await Self.withHTTP2Proxy(threads: 1) { harness, address in
            let connection = try await HTTP2AbuseTests.raw(harness, address)
            func sendTen(from first: UInt32) async throws {
                var bytes: [UInt8] = []
                for index in 0..<UInt32(10) {
                    bytes += HTTP2FrameBytes.headers(
                        stream: first + 2 * index,
                        block: try HTTP2FrameBytes.block(Self.get("/customer/\(index)")),
                        flags: HTTP2FrameBytes.endHeaders | HTTP2FrameBytes.endStream
                    )
                }
                try await connection.send(bytes)
                let streams = Set((0..<UInt32(10)).map { first + 2 * $0 })
                #expect(
                    await eventually {
                        streams.isSubset(of: connection.frames.filter { $0.flags & 0x1 != 0 }.map(\.stream))
                    }
                )
            }
            // The first ten open the pooled upstream connections the next ten find idle.
            try await sendTen(from: 1)
            var before = connection.applicationDataRecords
            for _ in 0..<50 {
                try await Task.sleep(for: .milliseconds(100))
                if connection.applicationDataRecords == before { break }
                before = connection.applicationDataRecords
            }
            try await sendTen(from: 21)
            #expect(harness.upstream.completeRequests.count == 20)
            #expect(connection.applicationDataRecords - before == 1)
            await connection.close()
        }
    }

    /// A refused request is answered on its stream; the stream then ends like any other. A
    /// RST_STREAM follows the answer only when the client has not ended its side (the body it
    /// would still send is not wanted), never after a request that ended with its HEADERS.
    @Test func aRefusedRequestsStreamIsResetOnlyWhenTheClientHasNotEndedIt() async throws {
        try await Self.withHTTP2Proxy { harness, address in
            let connection = try await HTTP2AbuseTests.raw(harness, address)
            let refused = try HTTP2FrameBytes.block(Self.get("/customer/1", [("transfer-encoding", "chunked")]))
            try await connection.send(
                HTTP2FrameBytes.headers(
                    stream: 1,
                    block: refused,
                    flags: HTTP2FrameBytes.endHeaders | HTTP2FrameBytes.endStream
                )
            )
            try await connection.send(
                HTTP2FrameBytes.headers(stream: 3, block: refused, flags: HTTP2FrameBytes.endHeaders)
            )
            #expect(await eventually { connection.frames.contains { $0.stream == 3 && $0.kind == 0x3 } })
            #expect(connection.frames.contains { $0.stream == 1 && $0.kind == 0x0 && $0.flags & 0x1 != 0 })
            try await Task.sleep(for: .milliseconds(300))
            let first = connection.frames.filter { $0.stream == 1 }.map(\.kind)
            #expect(first == [0x1, 0x0], "the 400's HEADERS and DATA, no RST_STREAM: \(first)")
            let third = connection.frames.filter { $0.stream == 3 }.map(\.kind)
            #expect(third == [0x1, 0x0, 0x3], "the 400, then RST_STREAM: \(third)")
            // The answer is complete: the reset says "stop sending", not "cancelled".
            #expect(connection.frames.first { $0.stream == 3 && $0.kind == 0x3 }?.errorCode == 0)
            #expect(harness.upstream.requests.isEmpty)
            await connection.close()
        }
    }

    /// A client that connects to the HTTPS listener and never sends its ClientHello (or only part
    /// of it) is closed after the client header timeout, as one that never finishes its head.
    @Test func aConnectionThatNeverHandshakesIsClosedAfterTheHeaderTimeout() async throws {
        var timeouts = ProxyTimeouts()
        timeouts.clientHeaderRead = .seconds(3)
        try await Self.withHTTP2Proxy(timeouts: timeouts) { harness, address in
            let silent = try await RawHTTPConnection.connect(to: address, group: harness.group)
            let partial = try await RawHTTPConnection.connect(to: address, group: harness.group)
            // The first bytes of a TLS record holding a ClientHello, and no more (the connection may
            // already be gone when a busy run gets here late: that is the point).
            try? await partial.send([0x16, 0x03, 0x01, 0x02, 0x00, 0x01])
            #expect(await silent.waitForClose(timeout: .seconds(30)))
            #expect(await partial.waitForClose(timeout: .seconds(30)))
        }
    }

    /// DATA that contradict the request's `content-length` make the HTTP/2 handler itself reset
    /// the stream: the access log and the reset counter say the gateway refused it, not that the
    /// client left.
    @Test func aStreamResetForContradictingItsContentLengthIsLoggedAsRefused() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/access.log"
        let sink = try AccessLogSink(destination: .file(path), format: .combined, logger: ProxyHarness.logger)
        try await Self.withHTTP2Proxy(accessLog: sink, behavior: Self.always(.summarize)) { harness, address in
            let connection = try await HTTP2AbuseTests.raw(harness, address)
            let block = try HTTP2FrameBytes.block(Self.post("/customer/upload", [("content-length", "10")]))
            try await connection.send(
                HTTP2FrameBytes.headers(stream: 1, block: block, flags: HTTP2FrameBytes.endHeaders)
                    + HTTP2FrameBytes.frame(.data, flags: HTTP2FrameBytes.endStream, stream: 1, Array("abc".utf8))
            )
            #expect(await eventually { connection.frames.contains { $0.stream == 1 && $0.kind == 0x3 } })
            #expect(connection.frames.first { $0.stream == 1 && $0.kind == 0x3 }?.errorCode == 1)
            #expect(harness.upstream.completeRequests.isEmpty)
            await connection.close()
        }
        await sink.close()
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 1)
        // The log escapes a space as \x20, as nginx does.
        let outcome = #"outcome=rejected:\x20HTTP/2\x20stream\x20error\x20PROTOCOL_ERROR "#
        #expect(lines.first?.contains(outcome) == true, "\(lines.first ?? "")")
    }

    /// A stream whose DATA contradict its `content-length` — more than it declared, or fewer
    /// before END_STREAM; sent with the HEADERS or after them — reaches the upstream not at all:
    /// its body is read before an upstream is chosen.
    @Test func nothingOfAStreamContradictingItsContentLengthReachesTheUpstream() async throws {
        try await Self.withHTTP2Proxy(behavior: Self.always(.summarize)) { harness, address in
            let connection = try await HTTP2AbuseTests.raw(harness, address)
            // (Larger declared lengths than the gateway holds whole are held until the DATA end too.)
            let cases: [(UInt32, String, String, Bool)] = [
                (1, "10", "abc", false), (3, "2", "abc", false), (5, "5", "ab", true), (7, "2", "abc", true),
                (9, "1000000", "abc", false), (11, "1000000", "abc", true),
            ]
            for (stream, declared, data, afterAPause) in cases {
                let block = try HTTP2FrameBytes.block(Self.post("/customer/upload", [("content-length", declared)]))
                let headers = HTTP2FrameBytes.headers(stream: stream, block: block, flags: HTTP2FrameBytes.endHeaders)
                let body = HTTP2FrameBytes.frame(
                    .data,
                    flags: HTTP2FrameBytes.endStream,
                    stream: stream,
                    Array(data.utf8)
                )
                if afterAPause {
                    try await connection.send(headers)
                    try await Task.sleep(for: .milliseconds(300))
                    try await connection.send(body)
                } else {
                    try await connection.send(headers + body)
                }
                #expect(
                    await eventually { connection.frames.contains { $0.stream == stream && $0.kind == 0x3 } },
                    "stream \(stream) was not reset"
                )
            }
            try await Task.sleep(for: .milliseconds(200))
            #expect(harness.upstream.receivedBytes.allSatisfy { $0.isEmpty }, "\(harness.upstream.receivedBytes)")
            await connection.close()
        }
    }

    /// A local answer to a request whose body is still coming ends the stream: the rest of the
    /// body is refused with RST_STREAM NO_ERROR right after the answer, not waited for (a client
    /// that stopped sending would hold the stream, and its connection, for ever).
    @Test func aLocalAnswerBeforeTheBodyEndsResetsTheStreamWithNoError() async throws {
        try await Self.withHTTP2Proxy(decider: BlockCompanyDecider()) { harness, address in
            let connection = try await HTTP2AbuseTests.raw(harness, address)
            let block = try HTTP2FrameBytes.block(Self.post("/company/1/settings", [("content-length", "1000")]))
            try await connection.send(
                HTTP2FrameBytes.headers(stream: 1, block: block, flags: HTTP2FrameBytes.endHeaders)
                    + HTTP2FrameBytes.frame(.data, stream: 1, Array(repeating: 0x78, count: 16))
            )
            #expect(await eventually { connection.frames.contains { $0.stream == 1 && $0.kind == 0x3 } })
            let frames = connection.frames.filter { $0.stream == 1 }
            #expect(frames.map(\.kind) == [0x1, 0x0, 0x3], "the 403, then RST_STREAM: \(frames.map(\.kind))")
            #expect(frames.last?.errorCode == 0)
            #expect(harness.upstream.requests.isEmpty)
            // The connection serves the next stream.
            try await connection.send(
                HTTP2FrameBytes.headers(
                    stream: 3,
                    block: try HTTP2FrameBytes.block(Self.get("/customer/1")),
                    flags: HTTP2FrameBytes.endHeaders | HTTP2FrameBytes.endStream
                )
            )
            #expect(
                await eventually {
                    connection.frames.contains { $0.stream == 3 && $0.kind == 0x0 && $0.flags & 0x1 != 0 }
                }
            )
            await connection.close()
        }
    }

    @Test func aBodyWithContentLengthIsForwardedWithIt() async throws {
        try await Self.withHTTP2Proxy(behavior: Self.always(.summarize)) { harness, address in
            let client = try await Self.connect(harness, address)
            defer { Task { await client.close() } }
            let response = try await client.request(
                Self.post("/api/v2/lesson/create", [("content-length", "11")]),
                body: ["hello", " world"]
            )
            #expect(response.status == 200)
            #expect(response.bodyString.hasPrefix("received=11 "))
            let recorded = try #require(harness.upstream.completeRequests.first)
            #expect(recorded.head.headers["content-length"] == ["11"])
            #expect(recorded.head.headers["transfer-encoding"].isEmpty)
            #expect(recorded.bodyString == "hello world")
        }
    }

    /// HTTP/2 needs no length: the gateway frames the HTTP/1.1 request itself (chunked).
    @Test func aBodyWithoutContentLengthIsForwardedChunked() async throws {
        try await Self.withHTTP2Proxy(behavior: Self.always(.summarize)) { harness, address in
            let client = try await Self.connect(harness, address)
            defer { Task { await client.close() } }
            let response = try await client.request(Self.post("/api/v2/lesson/create"), body: ["abc", "defg"])
            #expect(response.status == 200)
            #expect(response.bodyString.hasPrefix("received=7 "))
            let recorded = try #require(harness.upstream.completeRequests.first)
            #expect(recorded.head.headers["transfer-encoding"] == ["chunked"])
            #expect(recorded.head.headers["content-length"].isEmpty)
        }
    }

    @Test func anEmptyPostIsForwardedWithContentLengthZero() async throws {
        try await Self.withHTTP2Proxy { harness, address in
            let client = try await Self.connect(harness, address)
            defer { Task { await client.close() } }
            let response = try await client.request(Self.post("/api/v2/lesson/create"))
            #expect(response.status == 200)
            let recorded = try #require(harness.upstream.completeRequests.first)
            #expect(recorded.head.headers["content-length"] == ["0"])
        }
    }

    /// 16 times the stream's and the connection's window: the gateway gives the client more window
    /// (WINDOW_UPDATE for the stream and for the connection) as the upstream takes the body, or the
    /// upload stalls after 64 KiB.
    @Test(.timeLimit(.minutes(1)))
    func aLargeUploadCrossesTheFlowControlWindows() async throws {
        try await Self.withHTTP2Proxy(behavior: Self.always(.summarize)) { harness, address in
            let client = try await Self.connect(harness, address)
            defer { Task { await client.close() } }
            let chunk = String(repeating: "x", count: 65_536)
            let response = try await client.request(
                Self.post("/api/v2/lesson/create", [("content-length", "1048576")]),
                body: Array(repeating: chunk, count: 16)
            )
            #expect(response.status == 200)
            #expect(response.bodyString.hasPrefix("received=1048576 "))
            // The connection serves the next upload too: its window was given back in full.
            let second = try await client.request(
                Self.post("/api/v2/lesson/create"),
                body: Array(repeating: chunk, count: 4)
            )
            #expect(second.bodyString.hasPrefix("received=262144 "))
        }
    }

    /// The connection's window is opened to what its streams' windows allow together (100
    /// streams × 64 KiB) at the first DATA, so concurrent uploads are not held to 64 KiB per round
    /// trip between them; each stream's own window stays 64 KiB.
    @Test func theConnectionWindowIsOpenedForAllItsStreams() async throws {
        try await Self.withHTTP2Proxy(behavior: Self.always(.summarize)) { harness, address in
            let connection = try await HTTP2AbuseTests.raw(harness, address)
            let block = try HTTP2FrameBytes.block(Self.post("/customer/upload", [("content-length", "2000")]))
            try await connection.send(
                HTTP2FrameBytes.headers(stream: 1, block: block, flags: HTTP2FrameBytes.endHeaders)
                    + HTTP2FrameBytes.frame(.data, stream: 1, Array(repeating: 0x78, count: 1000))
            )
            func increments(_ stream: UInt32) -> [UInt32] {
                connection.frames.filter { $0.kind == 0x8 && $0.stream == stream && $0.payload.count == 4 }
                    .map { $0.payload.reduce(0) { $0 << 8 | UInt32($1) } & 0x7fff_ffff }
            }
            #expect(await eventually { !increments(0).isEmpty })
            let given = Int(increments(0).reduce(0, +))
            let windowLeft = 65_535 - 1000 + given
            #expect(windowLeft == 100 * 65_535, "\(increments(0))")
            #expect(increments(1).allSatisfy { $0 <= 65_535 })
            try await connection.send(
                HTTP2FrameBytes.frame(
                    .data,
                    flags: HTTP2FrameBytes.endStream,
                    stream: 1,
                    Array(repeating: 0x78, count: 1000)
                )
            )
            #expect(await eventually { harness.upstream.completeRequests.count == 1 })
            await connection.close()
        }
    }

    /// Body bytes that arrive while the upstream connection is still being made wait in the
    /// stream; once the request has gone upstream they follow it at once, not when the client
    /// happens to send its next frame (a client pausing mid-body waited for the response
    /// deadline).
    @Test(.timeLimit(.minutes(1)))
    func bodyBytesHeldDuringTheUpstreamConnectLeaveWithoutMoreFromTheClient() async throws {
        try await Self.withHTTP2Proxy(behavior: Self.always(.summarize)) { harness, address in
            let client = try await Self.connect(harness, address)
            let pending = Task {
                try? await client.request(Self.post("/api/v2/lesson/create"), body: ["held-part"], endStream: false)
            }
            let arrived = await eventually(timeout: .seconds(20)) {
                harness.upstream.receivedBytes.contains { String(decoding: $0, as: UTF8.self).contains("held-part") }
            }
            #expect(arrived, "the body bytes stayed in the gateway until the client's next frame")
            await client.close()
            _ = await pending.value
        }
    }

    @Test func aLargeResponseCrossesTheFlowControlWindows() async throws {
        try await Self.withHTTP2Proxy(behavior: Self.always(.stream(bytes: 1_000_000, chunked: true))) {
            harness,
            address in
            let client = try await Self.connect(harness, address)
            defer { Task { await client.close() } }
            let response = try await client.request(Self.get("/files/big"))
            #expect(response.status == 200)
            #expect(response.body.count == 1_000_000)
            #expect(response.value("transfer-encoding") == nil)
        }
    }

    @Test func theGatewaysOwnAnswerIsTheSameOverHTTP2() async throws {
        try await Self.withHTTP2Proxy(decider: BlockCompanyDecider()) { harness, address in
            let client = try await Self.connect(harness, address)
            defer { Task { await client.close() } }
            let blocked = try await client.request(Self.get("/company/1/settings"))
            #expect(blocked.status == 403)
            #expect(blocked.bodyString == "frozen")
            #expect(blocked.value("content-length") == "6")
            let head = try await client.request(
                [(":method", "HEAD"), (":scheme", "https"), (":authority", Self.host), (":path", "/company/1")]
            )
            #expect(head.status == 403)
            #expect(head.body.isEmpty)
            #expect(harness.upstream.requests.isEmpty)
            let forwarded = try await client.request(Self.get("/customer"))
            #expect(forwarded.status == 200)
        }
    }

    @Test func anUpstreamFailureIsA502OnThatStreamOnly() async throws {
        try await Self.withHTTP2Proxy(behavior: Self.dieOnDie) { harness, address in
            let client = try await Self.connect(harness, address)
            defer { Task { await client.close() } }
            let failed = try await client.request(Self.post("/die", [("content-length", "1")]), body: ["x"])
            #expect(failed.status == 502)
            let next = try await client.request(Self.get("/customer"))
            #expect(next.status == 200)
            #expect(next.bodyString == "fine")
            #expect(client.channel.isActive)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func anUpstreamSilentPastTheResponseHeadTimeoutIsA504OnThatStreamOnly() async throws {
        var timeouts = ProxyTimeouts()
        timeouts.upstreamResponse = .milliseconds(300)
        let behavior: @Sendable (HTTPRequestHead) -> UpstreamBehavior = { head in
            head.uri == "/slow" ? .silent : .respond(.ok, HTTPHeaders(), "fine")
        }
        try await Self.withHTTP2Proxy(timeouts: timeouts, behavior: behavior) { harness, address in
            let client = try await Self.connect(harness, address)
            defer { Task { await client.close() } }
            let slow = try await client.request(Self.get("/slow"))
            #expect(slow.status == 504)
            // The connection and its other streams carry on.
            let next = try await client.request(Self.get("/customer"))
            #expect(next.status == 200)
            #expect(next.bodyString == "fine")
            #expect(client.channel.isActive)
        }
    }

    /// An upstream that falls silent in the middle of a body: the stream gets what came, then a
    /// reset (never END_STREAM); the connection and its other streams carry on.
    @Test func anUpstreamSilentMidBodyResetsThatStreamOnly() async throws {
        var timeouts = ProxyTimeouts()
        timeouts.upstreamResponse = .seconds(2)
        let behavior: @Sendable (HTTPRequestHead) -> UpstreamBehavior = { head in
            head.uri == "/stall"
                ? .rawBytes(Array("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial".utf8))
                : .respond(.ok, HTTPHeaders(), "fine")
        }
        try await Self.withHTTP2Proxy(timeouts: timeouts, behavior: behavior) { harness, address in
            let connection = try await HTTP2AbuseTests.raw(harness, address)
            let stall = try HTTP2FrameBytes.block(Self.get("/stall"))
            let flags = HTTP2FrameBytes.endHeaders | HTTP2FrameBytes.endStream
            try await connection.send(HTTP2FrameBytes.headers(stream: 1, block: stall, flags: flags))
            #expect(
                await eventually(timeout: .seconds(30)) {
                    connection.frames.contains { $0.stream == 1 && $0.kind == 0x3 }
                },
                "the stream is held for ever"
            )
            let frames = connection.frames.filter { $0.stream == 1 }
            #expect(frames.map(\.kind) == [0x1, 0x0, 0x3], "HEADERS, DATA, RST_STREAM: \(frames.map(\.kind))")
            #expect(frames.first { $0.kind == 0x0 }?.payload == Array("partial".utf8))
            let next = try HTTP2FrameBytes.block(Self.get("/customer"))
            try await connection.send(HTTP2FrameBytes.headers(stream: 3, block: next, flags: flags))
            #expect(
                await eventually {
                    connection.frames.contains { $0.stream == 3 && $0.kind == 0x0 && $0.flags & 0x1 != 0 }
                },
                "the next stream was not answered"
            )
            await connection.close()
        }
    }

    /// A PROXY protocol header before the ClientHello names the client of every stream on the
    /// connection; one that names none leaves the balancer, untrusted: the stream's own
    /// `x-forwarded-for` is replaced, not believed.
    @Test(arguments: [
        ("PROXY TCP4 203.0.113.7 192.0.2.1 51234 443\r\n", "203.0.113.7"),
        ("PROXY UNKNOWN\r\n", "127.0.0.1"),
    ])
    func aProxyHeaderBeforeTLSNamesTheClientOfEveryStream(header: String, forwardedFor: String) async throws {
        let balancer = try #require(CIDRBlock("127.0.0.0/8"))
        try await Self.withHTTP2Proxy(trustedProxies: [balancer], proxyProtocol: true) { harness, address in
            let connection = try await RawHTTP2Connection.connect(
                to: address,
                serverName: Self.host,
                group: harness.group,
                prefix: Array(header.utf8)
            )
            try await connection.acknowledgeServerSettings()
            let flags = HTTP2FrameBytes.endHeaders | HTTP2FrameBytes.endStream
            for stream: UInt32 in [1, 3] {
                let block = try HTTP2FrameBytes.block(Self.get("/customer", [("x-forwarded-for", "6.6.6.6")]))
                try await connection.send(HTTP2FrameBytes.headers(stream: stream, block: block, flags: flags))
            }
            #expect(await eventually { harness.upstream.completeRequests.count == 2 })
            await connection.close()
            let forwarded = harness.upstream.completeRequests.map { $0.head.headers["x-forwarded-for"] }
            #expect(forwarded == [[forwardedFor], [forwardedFor]])
        }
    }

    /// The same over HTTP/1.1 (ALPN `http/1.1`): the header names the client of every request on
    /// the connection, also those after the first (the handler that kept what it said leaves the
    /// pipeline once the protocol is chosen; the connection's handlers keep it).
    @Test func aProxyHeaderBeforeTLSNamesTheClientOfEveryHTTP1Request() async throws {
        let balancer = try #require(CIDRBlock("127.0.0.0/8"))
        try await Self.withHTTP2Proxy(trustedProxies: [balancer], proxyProtocol: true) { harness, address in
            let connection = try await RawHTTP2Connection.connect(
                to: address,
                serverName: Self.host,
                group: harness.group,
                prefix: Array("PROXY TCP4 203.0.113.7 192.0.2.1 51234 443\r\n".utf8),
                applicationProtocol: "http/1.1"
            )
            let request = "GET /customer HTTP/1.1\r\nHost: \(Self.host)\r\nX-Forwarded-For: 6.6.6.6\r\n\r\n"
            try await connection.send(Array(request.utf8))
            #expect(await eventually { harness.upstream.completeRequests.count == 1 })
            try await connection.send(Array(request.utf8))
            #expect(await eventually { harness.upstream.completeRequests.count == 2 })
            await connection.close()
            let forwarded = harness.upstream.completeRequests.map { $0.head.headers["x-forwarded-for"] }
            #expect(forwarded == [["203.0.113.7"], ["203.0.113.7"]])
            #expect(harness.upstream.completeRequests.allSatisfy { $0.head.headers["x-forwarded-proto"] == ["https"] })
        }
    }

    /// A client that stopped reading: a stream it opens while its connection takes no more bytes
    /// is let go after the client idle time too, with the upstream connection behind it (it heard
    /// of no change of writability, and waited for ever).
    @Test func aStreamOpenedWhileTheConnectionIsBlockedIsLetGoAfterTheIdleTime() async throws {
        var timeouts = ProxyTimeouts()
        // Also the connection's idle time before its first stream, which runs from the accept
        // through the TLS handshake and the settings: seconds for a busy machine.
        timeouts.clientIdle = .seconds(8)
        // The second stream's upstream never answers: only the stream's timeout lets it go (an
        // answered one would go back to the pool and stay open there, idle).
        let behavior: @Sendable (HTTPRequestHead) -> UpstreamBehavior = { head in
            head.uri == "/big" ? .stream(bytes: 64 * 1024 * 1024, chunked: false) : .silent
        }
        try await Self.withHTTP2Proxy(timeouts: timeouts, behavior: behavior) { harness, address in
            let connection = try await HTTP2AbuseTests.raw(harness, address)
            // The client reads nothing from now on: the 64 MiB answer fills the kernel's buffers
            // and the gateway's behind them. (Reading some first would let the kernel grow the
            // client's receive buffer, on a busy machine enough for the whole answer.)
            try await connection.channel.setOption(ChannelOptions.autoRead, value: false).get()
            // Windows open wide (only TCP holds the gateway's writes back), and the first stream.
            let flags = HTTP2FrameBytes.endHeaders | HTTP2FrameBytes.endStream
            let big = try HTTP2FrameBytes.block(Self.get("/big"))
            try await connection.send(
                HTTP2FrameBytes.settings([(0x4, 0x7FFF_FFFF)])
                    + HTTP2FrameBytes.frame(.windowUpdate, HTTP2FrameBytes.uint32(0x7FFF_FFFF - 65_535))
                    + HTTP2FrameBytes.headers(stream: 1, block: big, flags: flags)
            )
            #expect(await eventually { harness.upstream.requests.count == 1 })
            try await Task.sleep(for: .milliseconds(1500))
            let late = try HTTP2FrameBytes.block(Self.get("/late"))
            try await connection.send(HTTP2FrameBytes.headers(stream: 3, block: late, flags: flags))
            #expect(await eventually { harness.upstream.requests.count == 2 })
            #expect(
                await eventually(timeout: .seconds(30)) { harness.upstream.openConnectionCount == 0 },
                "\(harness.upstream.openConnectionCount) upstream connections still wait for the client"
            )
            await connection.close()
        }
    }

    /// A client that reads nothing at all: once a stream has sent nothing for the idle time and
    /// the connection took nothing either, the whole connection is closed, and with it a stream
    /// that waits on a silent upstream — however the socket's last bytes left the connection's
    /// writability when that stream opened (writable: it heard of nothing to time out).
    @Test func aConnectionWhoseClientReadsNothingIsClosedWithItsStreams() async throws {
        var timeouts = ProxyTimeouts()
        // Also the time before the first stream: 4 s was not enough, once, while the whole suite
        // started on two cores (the connection closed idle before its first stream was sent).
        timeouts.clientIdle = .seconds(8)
        let behavior: @Sendable (HTTPRequestHead) -> UpstreamBehavior = { head in
            head.uri == "/big" ? .stream(bytes: 64 * 1024 * 1024, chunked: false) : .silent
        }
        try await Self.withHTTP2Proxy(timeouts: timeouts, behavior: behavior) { harness, address in
            let connection = try await HTTP2AbuseTests.raw(harness, address)
            try await connection.channel.setOption(ChannelOptions.autoRead, value: false).get()
            let flags = HTTP2FrameBytes.endHeaders | HTTP2FrameBytes.endStream
            try await connection.send(
                HTTP2FrameBytes.settings([(0x4, 0x7FFF_FFFF)])
                    + HTTP2FrameBytes.frame(.windowUpdate, HTTP2FrameBytes.uint32(0x7FFF_FFFF - 65_535))
                    + HTTP2FrameBytes.headers(
                        stream: 1,
                        block: try HTTP2FrameBytes.block(Self.get("/big")),
                        flags: flags
                    )
            )
            #expect(await eventually { harness.upstream.requests.count == 1 })
            try await Task.sleep(for: .milliseconds(1500))
            let started = ContinuousClock.now
            try await connection.send(
                HTTP2FrameBytes.headers(stream: 3, block: try HTTP2FrameBytes.block(Self.get("/late")), flags: flags)
            )
            #expect(await eventually { harness.upstream.requests.count == 2 })
            // The upstream response timeout (60 s) would end the waiting stream much later.
            #expect(
                await eventually(timeout: .seconds(30)) { harness.upstream.openConnectionCount == 0 },
                "\(harness.upstream.openConnectionCount) upstream connections still wait for the client"
            )
            #expect(ContinuousClock.now - started < .seconds(30))
            // The client reads nothing, so it cannot see the close: the gateway's count says it.
            #expect(await eventually(timeout: .seconds(10)) { harness.proxy.openClientConnections == 0 })
            await connection.close()
        }
    }

    /// A client that reads its connection but keeps one stream's window shut loses that stream
    /// after the idle time, and only that stream: the connection stays and answers the next one.
    @Test func aStreamHeldByItsWindowIsResetAndTheConnectionStays() async throws {
        var timeouts = ProxyTimeouts()
        // Also the time before the first stream, as above.
        timeouts.clientIdle = .seconds(8)
        let behavior: @Sendable (HTTPRequestHead) -> UpstreamBehavior = { head in
            head.uri == "/big" ? .stream(bytes: 8 * 1024 * 1024, chunked: false) : .respond(.ok, [:], "small")
        }
        try await Self.withHTTP2Proxy(timeouts: timeouts, behavior: behavior) { harness, address in
            let connection = try await HTTP2AbuseTests.raw(harness, address)
            let flags = HTTP2FrameBytes.endHeaders | HTTP2FrameBytes.endStream
            // Streams may receive 1 KiB each until the client grants more, which it never does
            // for stream 1; the connection's own window stays wide open.
            try await connection.send(
                HTTP2FrameBytes.settings([(0x4, 1024)])
                    + HTTP2FrameBytes.frame(.windowUpdate, HTTP2FrameBytes.uint32(0x7FFF_FFFF - 65_535))
                    + HTTP2FrameBytes.headers(
                        stream: 1,
                        block: try HTTP2FrameBytes.block(Self.get("/big")),
                        flags: flags
                    )
            )
            #expect(await eventually(timeout: .seconds(20)) { connection.resetCodes[1] != nil })
            #expect(!connection.isClosed)
            try await connection.send(
                HTTP2FrameBytes.headers(stream: 3, block: try HTTP2FrameBytes.block(Self.get("/small")), flags: flags)
                    + HTTP2FrameBytes.frame(.windowUpdate, stream: 3, HTTP2FrameBytes.uint32(65_535))
            )
            #expect(await eventually(timeout: .seconds(10)) { connection.answeredStreams.contains(3) })
            #expect(connection.resetCodes[3] == nil)
            #expect(!connection.isClosed)
            #expect(connection.goAwayCodes.isEmpty)
            await connection.close()
        }
    }

    /// Every field HTTP/1.1 could read differently: refused (400 or a stream reset), and not a
    /// byte of the request reaches the upstream.
    @Test(arguments: [
        ("upper-case name", [("X-Injected", "1")]),
        ("CR LF in a value", [("x-note", "a\r\nx-injected: 1")]),
        ("LF in a value", [("x-note", "a\nx-injected: 1")]),
        ("NUL in a value", [("x-note", "a\u{0}b")]),
        ("connection", [("connection", "keep-alive")]),
        ("keep-alive", [("keep-alive", "timeout=5")]),
        ("proxy-connection", [("proxy-connection", "keep-alive")]),
        ("transfer-encoding", [("transfer-encoding", "chunked")]),
        ("upgrade", [("upgrade", "websocket")]),
        ("te other than trailers", [("te", "gzip")]),
        ("space in a name", [("x note", "1")]),
        ("colon in a name", [("x:note", "1")]),
        ("leading space in a value", [("x-note", " padded")]),
        ("two content-lengths", [("content-length", "0"), ("content-length", "5")]),
        ("content-length with a sign", [("content-length", "+0")]),
    ])
    func aFieldThatHTTP1CouldReadDifferentlyIsRefused(_ name: String, _ fields: [(String, String)]) async throws {
        try await Self.withHTTP2Proxy { harness, address in
            let client = try await Self.connect(harness, address)
            defer { Task { await client.close() } }
            let response = try await client.request(Self.get("/customer", fields))
            #expect(response.status == 400 || response.resetCode == .protocolError, "\(name): \(response)")
            #expect(harness.upstream.requests.isEmpty, "\(name)")
            #expect(harness.upstream.receivedBytes.allSatisfy { $0.isEmpty }, "\(name)")
        }
    }

    /// A refused head whose body is still to come: the DATA the client sends after it reaches
    /// nothing, the stream ends, and the connection carries the next request.
    @Test(arguments: [
        ("connection", [("connection", "keep-alive")]),
        ("upper-case name", [("X-Injected", "1")]),
        ("transfer-encoding", [("transfer-encoding", "chunked")]),
    ])
    func aRefusedHeadWithABodyToFollowEndsItsStreamOnly(_ name: String, _ fields: [(String, String)]) async throws {
        try await Self.withHTTP2Proxy(behavior: Self.always(.summarize)) { harness, address in
            let client = try await Self.connect(harness, address)
            defer { Task { await client.close() } }
            let refused = try await client.request(
                Self.post("/api/v2/lesson/create", fields),
                body: ["first part", "second part"]
            )
            #expect(refused.status == 400 || refused.resetCode == .protocolError, "\(name): \(refused)")
            #expect(harness.upstream.requests.isEmpty, "\(name)")
            #expect(harness.upstream.receivedBytes.allSatisfy { $0.isEmpty }, "\(name)")
            let next = try await client.request(Self.get("/customer"))
            #expect(next.status == 200, "\(name): \(next)")
            #expect(client.channel.isActive, "\(name)")
        }
    }

    /// Request blocks whose pseudo-headers are repeated, misplaced, unknown, missing or malformed.
    static let badPseudoHeaderBlocks: [(String, [(String, String)])] = [
        (
            "repeated :path",
            [(":method", "GET"), (":scheme", "https"), (":authority", host), (":path", "/a"), (":path", "/b")]
        ),
        (
            "pseudo-header after a field",
            [(":method", "GET"), (":scheme", "https"), ("x-a", "1"), (":authority", host), (":path", "/")]
        ),
        (
            "unknown pseudo-header",
            [(":method", "GET"), (":scheme", "https"), (":authority", host), (":path", "/"), (":tenant", "x")]
        ),
        ("no :path", [(":method", "GET"), (":scheme", "https"), (":authority", host)]),
        ("no :method", [(":scheme", "https"), (":authority", host), (":path", "/")]),
        ("relative :path", [(":method", "GET"), (":scheme", "https"), (":authority", host), (":path", "customer")]),
        (
            "userinfo in :authority",
            [(":method", "GET"), (":scheme", "https"), (":authority", "evil@\(host)"), (":path", "/")]
        ),
        ("empty :path", [(":method", "GET"), (":scheme", "https"), (":authority", host), (":path", "")]),
        (
            ":protocol (extended CONNECT)",
            [
                (":method", "CONNECT"), (":protocol", "websocket"), (":scheme", "https"), (":authority", host),
                (":path", "/"),
            ]
        ),
    ]

    @Test(arguments: badPseudoHeaderBlocks)
    func aBadPseudoHeaderBlockIsRefused(_ name: String, _ fields: [(String, String)]) async throws {
        try await Self.withHTTP2Proxy { harness, address in
            let client = try await Self.connect(harness, address)
            defer { Task { await client.close() } }
            let response = try await client.request(fields)
            #expect(response.status == 400 || response.resetCode == .protocolError, "\(name): \(response)")
            #expect(harness.upstream.requests.isEmpty, "\(name)")
        }
    }

    /// Trailers arrive after the head and body went upstream: a block HTTP/1.1 could read
    /// differently resets the stream, and the upstream never sees the request complete.
    @Test(arguments: [
        ("pseudo-header in trailers", [(":path", "/company/1")]),
        ("connection-specific trailer", [("transfer-encoding", "chunked")]),
        ("upper-case trailer name", [("X-Checksum", "abc")]),
        ("CR LF in a trailer value", [("x-checksum", "a\r\nx-injected: 1")]),
        ("content-length trailer", [("content-length", "3")]),
    ])
    func aTrailerBlockThatHTTP1CouldReadDifferentlyIsRefused(
        _ name: String,
        _ trailers: [(String, String)]
    )
        async throws
    {
        try await Self.withHTTP2Proxy(behavior: Self.always(.summarize)) { harness, address in
            let client = try await Self.connect(harness, address)
            defer { Task { await client.close() } }
            let response = try await client.request(
                Self.post("/api/v2/lesson/create", []),
                body: ["abc"],
                trailers: trailers
            )
            #expect(response.status != 200, "\(name): \(response)")
            #expect(harness.upstream.completeRequests.isEmpty, "\(name)")
        }
    }

    /// Two hosts in one request name two tenants: the Gate could decide on one and the upstream
    /// serve the other.
    @Test func authorityDisagreeingWithHostIs400() async throws {
        try await Self.withHTTP2Proxy { harness, address in
            let client = try await Self.connect(harness, address)
            defer { Task { await client.close() } }
            let response = try await client.request(Self.get("/company/1", [("host", "other.s20.online")]))
            #expect(response.status == 400)
            #expect(harness.upstream.requests.isEmpty)
            let agreeing = try await client.request(Self.get("/customer", [("host", "ACME.s20.online")]))
            #expect(agreeing.status == 200)
        }
    }

    @Test(arguments: [
        ("longer body than declared", "3", ["abcdef"]),
        ("shorter body than declared", "10", ["abc"]),
        ("declared length without DATA", "5", []),
    ])
    func dataContradictingContentLengthResetsTheStream(_ name: String, _ length: String, _ body: [String]) async throws
    {
        try await Self.withHTTP2Proxy(behavior: Self.always(.summarize)) { harness, address in
            let client = try await Self.connect(harness, address)
            defer { Task { await client.close() } }
            let response = try await client.request(
                Self.post("/api/v2/lesson/create", [("content-length", length)]),
                body: body
            )
            #expect(response.status != 200, "\(name): \(response)")
            #expect(response.status == 400 || response.resetCode != nil, "\(name): \(response)")
            #expect(harness.upstream.completeRequests.isEmpty, "\(name)")
        }
    }

    /// The rapid-reset attack (CVE-2023-44487): streams opened and reset in a loop. The
    /// connection gets GOAWAY and is closed, and at most 200 of its requests reach the upstream;
    /// the abuse is logged once (`HTTP2AbuseHandler`, which must see the connection's errors
    /// wherever it sits in the pipeline).
    @Test func rapidResetGetsGoAwayAndAtMost200RequestsReachTheUpstream() async throws {
        let log = RecordingLogHandler.Store()
        try await Self.withHTTP2Proxy(
            logger: Logger(label: "proxy-tests") { _ in RecordingLogHandler(store: log) },
            behavior: Self.always(.delayed(.seconds(2), .ok, "late"))
        ) { harness, address in
            let client = try await Self.connect(harness, address)
            try await client.openAndReset(count: 5_000, headers: Self.get("/customer"))
            #expect(await eventually { !client.channel.isActive })
            #expect(client.goAwayCodes.contains(.enhanceYourCalm))
            #expect(harness.upstream.requests.count <= 200)
            let abuse = log.entries.withLock { $0.filter { $0.1 == "HTTP/2 client closed for abuse" }.count }
            #expect(abuse == 1)
        }
    }

    /// A stream the client resets while its request waits for the upstream: the upstream
    /// connection holding that request is closed (a cancelled request), not reused.
    @Test func aResetStreamCancelsItsUpstreamRequest() async throws {
        try await Self.withHTTP2Proxy(behavior: Self.always(.silent)) { harness, address in
            let client = try await Self.connect(harness, address)
            defer { Task { await client.close() } }
            let stream = try await client.startRequest(Self.get("/customer"))
            #expect(await eventually { harness.upstream.requests.count == 1 })
            #expect(harness.upstream.openConnectionCount == 1)
            try await client.reset(stream)
            #expect(await eventually { harness.upstream.openConnectionCount == 0 })
            #expect(client.channel.isActive)
        }
    }

    /// An HTTP/2 connection without streams for the client idle time is closed like an idle
    /// HTTP/1.1 one, with GOAWAY first.
    @Test func anIdleConnectionGetsGoAwayAndIsClosed() async throws {
        var timeouts = ProxyTimeouts()
        // Long enough for a loaded machine to send the first request after the handshake: 2 s was
        // not, once, while the whole suite started on two cores (the request met a closed channel).
        timeouts.clientIdle = .seconds(5)
        try await Self.withHTTP2Proxy(timeouts: timeouts) { harness, address in
            let client = try await Self.connect(harness, address)
            let response = try await client.request(Self.get("/customer"))
            #expect(response.status == 200)
            #expect(await eventually(timeout: .seconds(30)) { !client.channel.isActive })
            #expect(client.goAwayCodes == [.noError])
        }
    }

    /// Graceful shutdown: the stream in flight is answered, the client is told (GOAWAY) and the
    /// connection closes when its streams are done, long before the drain deadline.
    @Test func shutdownLetsTheStreamInFlightFinishThenCloses() async throws {
        try await Self.withHTTP2Proxy(behavior: Self.always(.delayed(.milliseconds(400), .ok, "done"))) {
            harness,
            address in
            let client = try await Self.connect(harness, address)
            async let response = client.request(Self.get("/customer"))
            #expect(await eventually { harness.upstream.requests.count == 1 })
            let started = ContinuousClock.now
            harness.proxy.initiateShutdown(drain: .seconds(20))
            let answered = try await response
            #expect(answered.status == 200, "\(answered)")
            #expect(answered.bodyString == "done")
            #expect(await eventually(timeout: .seconds(10)) { !client.channel.isActive })
            #expect(ContinuousClock.now - started < .seconds(10))
            #expect(client.goAwayCodes.first == .noError)
        }
    }
}
