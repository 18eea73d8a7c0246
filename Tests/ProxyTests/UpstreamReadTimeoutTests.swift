import NIOCore
import NIOHTTP1
import NIOPosix
import Proxy
import Testing

@testable import TestSupport

/// `--upstream-response-timeout` between two reads of a response body (nginx's
/// `proxy_read_timeout`): an upstream that falls silent mid-body is let go, one whose body keeps
/// coming is not, and a client that is not reading stops the clock.
@Suite("Upstream silent mid-body")
struct UpstreamReadTimeoutTests {
    static let get = "GET /report HTTP/1.1\r\nHost: a.s20.online\r\n\r\n"

    static let partialAnswer = Array("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial".utf8)

    /// A proxy with a 2 s response timeout and an access log, whose upstream behaves as given;
    /// the log's lines once the proxy has stopped.
    static func withTimedProxy(
        behavior: @escaping @Sendable (HTTPRequestHead) -> UpstreamBehavior,
        _ body: (ProxyHarness) async throws -> Void
    ) async throws -> [Substring] {
        var timeouts = ProxyTimeouts()
        timeouts.upstreamResponse = .seconds(2)
        let directory = try TemporaryDirectory()
        let path = directory.path + "/access.log"
        let sink = try AccessLogSink(destination: .file(path), format: .combined, logger: ProxyHarness.logger)
        try await withProxy(timeouts: timeouts, accessLog: sink, behavior: behavior, body)
        await sink.close()
        return try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
    }

    /// Head and the first bytes of a 100-byte body, then nothing: the client gets what came, then
    /// the close (never a complete response), and the access log says why.
    @Test func anUpstreamSilentMidBodyIsLetGoAfterTheResponseTimeout() async throws {
        let silentMidBody: @Sendable (HTTPRequestHead) -> UpstreamBehavior = { _ in .rawBytes(Self.partialAnswer) }
        let lines = try await Self.withTimedProxy(behavior: silentMidBody) { harness in
            let connection = try await harness.connect()
            try await connection.send(Self.get)
            #expect(await connection.waitForClose(timeout: .seconds(30)), "the client is held for ever")
            let text = connection.text
            #expect(text.hasPrefix("HTTP/1.1 200"), "\(text)")
            #expect(text.hasSuffix("\r\n\r\npartial"), "\(text)")
            #expect(HTTPRawResponse.parseAll(connection.bytes).isEmpty)
            #expect(
                await eventually(timeout: .seconds(10)) { harness.upstream.openConnectionCount == 0 },
                "the upstream connection is still open"
            )
        }
        #expect(lines.count == 1)
        #expect(lines.first?.contains(" outcome=upstream_timeout_mid_response ") == true, "\(lines)")
    }

    /// An upstream that answers before the body ends and then waits for the rest of it: the
    /// client is the one that went quiet, and the log says so. (A body larger than the gateway
    /// holds, so that the head goes upstream before the body ends.)
    @Test func aClientSilentInABodyTheUpstreamAnsweredEarlyIsTheOneTimedOut() async throws {
        let answersEarly: @Sendable (HTTPRequestHead) -> UpstreamBehavior = { _ in .answerAtHead(Self.partialAnswer) }
        let lines = try await Self.withTimedProxy(behavior: answersEarly) { harness in
            let connection = try await harness.connect()
            let length = RequestLimits().maxHeldBodyBytes + 1
            try await connection.send(
                "POST /upload HTTP/1.1\r\nHost: a.s20.online\r\nContent-Length: \(length)\r\n\r\nxxxxx"
            )
            #expect(await connection.waitForClose(timeout: .seconds(30)), "the client is held for ever")
            #expect(connection.text.hasSuffix("\r\n\r\npartial"), "\(connection.text)")
        }
        #expect(lines.count == 1)
        #expect(lines.first?.contains(" outcome=client_body_timeout ") == true, "\(lines)")
    }

    /// A held body whose client goes quiet: no upstream waits for it, so the gateway times it
    /// itself (the same time as once it is sent) and answers 408; the upstream got nothing.
    @Test func aClientSilentInAHeldBodyGets408AndTheUpstreamNothing() async throws {
        let answersAtHead: @Sendable (HTTPRequestHead) -> UpstreamBehavior = { _ in .answerAtHead(Self.partialAnswer) }
        let lines = try await Self.withTimedProxy(behavior: answersAtHead) { harness in
            let connection = try await harness.connect()
            try await connection.send("POST /upload HTTP/1.1\r\nHost: a.s20.online\r\nContent-Length: 10\r\n\r\nxxxxx")
            #expect(await connection.waitForClose(timeout: .seconds(30)), "the client is held for ever")
            #expect(connection.text.hasPrefix("HTTP/1.1 408"), "\(connection.text)")
            #expect(harness.upstream.receivedBytes.allSatisfy { $0.isEmpty })
        }
        #expect(lines.count == 1)
        #expect(lines.first?.contains(" outcome=client_body_timeout ") == true, "\(lines)")
    }

    /// Six parts 1.5 s apart take 9 s, more than twice the 4 s timeout: each read starts the clock
    /// again, so the whole body arrives.
    @Test func aBodyThatKeepsComingIsNotCutByTheResponseTimeout() async throws {
        var timeouts = ProxyTimeouts()
        timeouts.upstreamResponse = .seconds(4)
        try await withProxy(
            timeouts: timeouts,
            behavior: { _ in .trickle(parts: 6, every: .milliseconds(1500)) },
            { harness in
                let connection = try await harness.connect()
                try await connection.send(Self.get)
                let responses = await connection.waitForResponses(1, timeout: .seconds(60))
                await connection.close()
                #expect(responses.map(\.status) == [200])
                #expect(responses.first?.bodyText == "part0part1part2part3part4part5")
            }
        )
    }

    /// A client that reads nothing for three times the timeout holds the gateway's reads from the
    /// upstream; that silence is not the upstream's, and the whole body arrives once it reads.
    @Test func aClientThatIsNotReadingStopsTheClock() async throws {
        var timeouts = ProxyTimeouts()
        timeouts.upstreamResponse = .seconds(2)
        // More than the kernel buffers of a few KiB each side and the 64 KiB write watermark hold.
        let size = 1024 * 1024
        try await withProxy(
            timeouts: timeouts,
            configure: { $0.clientSendBuffer = 4096 },
            behavior: { _ in .stream(bytes: size, chunked: false) },
            { harness in
                let counter = ByteCountingHandler()
                let channel = try await ClientBootstrap(group: harness.group)
                    .channelOption(ChannelOptions.autoRead, value: false)
                    .channelOption(ChannelOptions.socketOption(.so_rcvbuf), value: 4096)
                    .channelInitializer { channel in
                        channel.eventLoop.makeCompletedFuture {
                            try channel.pipeline.syncOperations.addHandler(counter)
                        }
                    }
                    .connect(to: harness.proxyAddress).get()
                try await channel.writeAndFlush(ByteBuffer(string: Self.get)).get()
                try await Task.sleep(for: .seconds(6))
                try await channel.setOption(ChannelOptions.autoRead, value: true).get()
                channel.read()
                #expect(
                    await eventually(timeout: .seconds(60)) { counter.count >= size || counter.closed },
                    "received \(counter.count) bytes"
                )
                #expect(counter.count >= size, "the body was cut at \(counter.count) bytes")
                #expect(!counter.closed)
                try? await channel.close().get()
            }
        )
    }
}
