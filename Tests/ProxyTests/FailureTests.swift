import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import Proxy
import TestSupport
import Testing

@Suite("Upstream failures and timeouts")
struct FailureTests {
    static let get = "GET / HTTP/1.1\r\nHost: a.s20.online\r\n\r\n"

    @Test func unreachableUpstreamGets502() async throws {
        let deadAddress = try FreePort.deadAddress()

        let harness = try await ProxyHarness.start(upstreamAddressOverride: deadAddress)
        let result = try await harness.exchange(Self.get)
        await harness.stop()
        #expect(result.responses.first?.status == 502)
        #expect(result.responses.first?.bodyText.contains("502") == true)
        #expect(result.closedByPeer)
    }

    @Test func slowUpstreamGets504() async throws {
        var timeouts = ProxyTimeouts()
        timeouts.upstreamResponse = .milliseconds(300)
        try await withProxy(
            timeouts: timeouts,
            behavior: { _ in .silent },
            { harness in
                let result = try await harness.exchange(Self.get)
                #expect(result.responses.first?.status == 504)
                #expect(result.closedByPeer)
                // The upstream connection holding the unanswered request is closed, never reused.
                #expect(await eventually { harness.upstream.openConnectionCount == 0 })
            }
        )
    }

    /// The response-head deadline belongs to the pooled upstream connection and outlives each
    /// exchange: the deadline of an answered request must not cut short the next request on the
    /// same connection, and each request gets its own full time.
    @Test func aReusedUpstreamConnectionGivesEachRequestItsOwnResponseHeadDeadline() async throws {
        var timeouts = ProxyTimeouts()
        timeouts.upstreamResponse = .seconds(6)
        try await withProxy(
            timeouts: timeouts,
            behavior: { head in
                head.uri == "/slow" ? .delayed(.seconds(3), .ok, "slow") : .respond(.ok, HTTPHeaders(), "fast")
            },
            { harness in
                let connection = try await harness.connect()
                try await connection.send("GET /fast HTTP/1.1\r\nHost: a.s20.online\r\n\r\n")
                #expect(await connection.waitForResponses(1).map(\.status) == [200])
                // Sent 4.5 s after the first: answered at least 7.5 s after the first deadline was
                // armed, 3 s after its own (seconds of margin: a busy run holds tasks back).
                try await Task.sleep(for: .milliseconds(4500))
                try await connection.send("GET /slow HTTP/1.1\r\nHost: a.s20.online\r\n\r\n")
                let responses = await connection.waitForResponses(2)
                await connection.close()
                #expect(responses.map(\.status) == [200, 200])
                #expect(responses.last?.bodyText == "slow")
                #expect(harness.upstream.connectionCount == 1)
            }
        )
    }

    /// An upload that takes longer than the response-head deadline is not an upstream too slow to
    /// answer: the deadline counts from the last body bytes the upstream took.
    @Test func anUploadLongerThanTheResponseHeadDeadlineIsAnswered() async throws {
        var timeouts = ProxyTimeouts()
        timeouts.upstreamResponse = .seconds(3)
        try await withProxy(
            timeouts: timeouts,
            behavior: { _ in .summarize },
            { harness in
                let connection = try await harness.connect()
                // The head, then 45 bytes over four and a half seconds (one and a half deadlines),
                // the body moving all along, paced by the connection's event loop.
                let head = "POST /upload HTTP/1.1\r\nHost: a.s20.online\r\nContent-Length: 45\r\n\r\n"
                try await connection.sendPaced([head] + Array(repeating: "x", count: 45), every: .milliseconds(100))
                let responses = await connection.waitForResponses(1)
                await connection.close()
                #expect(responses.map(\.status) == [200])
                #expect(responses.first?.bodyText.hasPrefix("received=45 ") == true)
            }
        )
    }

    /// A client that stops sending its body while the upstream could take more gets 408 when the
    /// deadline passes (nginx's `client_body_timeout`): the upstream is not at fault, so it is not
    /// counted against it.
    @Test func aClientThatStopsSendingItsBodyGets408() async throws {
        var timeouts = ProxyTimeouts()
        timeouts.upstreamResponse = .milliseconds(300)
        try await withProxy(
            timeouts: timeouts,
            behavior: { _ in .silent },
            { harness in
                let connection = try await harness.connect()
                try await connection.send(
                    "POST /upload HTTP/1.1\r\nHost: a.s20.online\r\nContent-Length: 10\r\n\r\nxxxxx"
                )
                let responses = await connection.waitForResponses(1)
                await connection.close()
                #expect(responses.map(\.status) == [408])
                #expect(connection.isClosed)
            }
        )
    }

    /// An upstream that stops reading a body (its window full, the gateway's writes held) and does
    /// not answer is the one that is late: 504.
    @Test func anUpstreamThatStopsTakingTheBodyGets504() async throws {
        var timeouts = ProxyTimeouts()
        timeouts.upstreamResponse = .seconds(3)
        try await withProxy(
            timeouts: timeouts,
            behavior: { _ in .stopReadingAfterHead },
            { harness in
                let connection = try await harness.connect()
                // More than the kernel's buffers and the gateway's write watermark hold, in one
                // write the connection's event loop drives (it never completes: not awaited).
                let size = 64 * 1024 * 1024
                let head = "POST /upload HTTP/1.1\r\nHost: a.s20.online\r\nContent-Length: \(size)\r\n\r\n"
                let bytes = Array(head.utf8) + [UInt8](repeating: 0x78, count: size)
                let sender = Task { try? await connection.send(bytes) }
                let responses = await connection.waitForResponses(1, timeout: .seconds(30))
                await connection.close()
                _ = await sender.value
                #expect(responses.map(\.status) == [504])
            }
        )
    }

    @Test func aSilentRequestAfterAnAnsweredOneOnTheSameUpstreamConnectionGets504() async throws {
        var timeouts = ProxyTimeouts()
        timeouts.upstreamResponse = .milliseconds(300)
        try await withProxy(
            timeouts: timeouts,
            behavior: { head in head.uri == "/silent" ? .silent : .respond(.ok, HTTPHeaders(), "fast") },
            { harness in
                let connection = try await harness.connect()
                try await connection.send("GET /fast HTTP/1.1\r\nHost: a.s20.online\r\n\r\n")
                #expect(await connection.waitForResponses(1).map(\.status) == [200])
                try await connection.send("GET /silent HTTP/1.1\r\nHost: a.s20.online\r\n\r\n")
                let responses = await connection.waitForResponses(2)
                await connection.close()
                #expect(responses.map(\.status) == [200, 504])
                #expect(harness.upstream.connectionCount == 1)
            }
        )
    }

    @Test func upstreamDyingMidResponseClosesTheClientWithoutCompletingTheBody() async throws {
        try await withProxy(
            behavior: { _ in .dieMidResponse(contentLength: 1000, sendBytes: 100) },
            { harness in
                let connection = try await harness.connect()
                try await connection.send(Self.get)
                let closed = await connection.waitForClose()
                #expect(closed)
                let text = connection.text
                #expect(text.hasPrefix("HTTP/1.1 200"))
                // The head promised 1000 bytes and fewer arrived: no complete response was presented.
                #expect(HTTPRawResponse.parseAll(connection.bytes).isEmpty)
            }
        )
    }

    /// An HTTP/1.0 client's body is delimited by the close: cut short by the upstream, it ends in
    /// a reset, not in the close that would pass it off as complete. An HTTP/1.1 client's chunked
    /// body lacks its last chunk, which says as much.
    @Test func aBodyDelimitedByTheCloseAndCutShortEndsInAReset() async throws {
        try await withProxy(
            behavior: { _ in .raw("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n10\r\nonly") },
            { harness in
                let old = try await harness.connect()
                try await old.send("GET /customer/1 HTTP/1.0\r\nHost: a.s20.online\r\n\r\n")
                #expect(await old.waitForClose())
                #expect(old.text.hasPrefix("HTTP/1.0 200"))
                #expect(old.text.hasSuffix("hello") || old.text.hasSuffix("helloonly"))
                #expect(old.wasReset, "the cut body ended like a complete one")

                let current = try await harness.connect()
                try await current.send("GET /customer/1 HTTP/1.1\r\nHost: a.s20.online\r\n\r\n")
                #expect(await current.waitForClose())
                #expect(current.text.hasPrefix("HTTP/1.1 200"))
                #expect(!current.text.hasSuffix("0\r\n\r\n"))
            }
        )
    }

    /// A response the gateway refuses is logged at warning with the parser's reason, as nginx's
    /// "upstream sent invalid header" — once per 10 s per server, however many come.
    @Test func anInvalidResponseIsWarnedOfOncePerInterval() async throws {
        let store = RecordingLogHandler.Store()
        // One event loop: the window is kept per loop.
        let harness = try await ProxyHarness.start(
            threads: 1,
            logger: Logger(label: "invalid") { _ in RecordingLogHandler(store: store) },
            behavior: { _ in .raw("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n") }
        )
        for _ in 0..<3 {
            let connection = try await harness.connect()
            try await connection.send(Self.get)
            #expect(await connection.waitForResponses(1).map(\.status) == [502])
            await connection.close()
        }
        await harness.stop()
        let warnings = store.entries.withLock { $0.filter { $0.0 == .warning }.map(\.1) }
        #expect(warnings.filter { $0 == "upstream sent an invalid response" }.count == 1, "\(warnings)")
    }

    /// A `101` the client did not ask for is a 502, and the access log says why.
    @Test func anUnaskedFor101IsA502LoggedAsSuch() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/access.log"
        let sink = try AccessLogSink(destination: .file(path), format: .combined, logger: ProxyHarness.logger)
        try await withProxy(
            accessLog: sink,
            behavior: { _ in
                .raw("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\nGARBAGE")
            },
            { harness in
                let connection = try await harness.connect()
                try await connection.send(Self.get)
                #expect(await connection.waitForResponses(1).map(\.status) == [502])
                await connection.close()
            }
        )
        await sink.close()
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 1)
        #expect(lines.first?.contains(" outcome=unexpected_101 ") == true, "\(lines)")
    }

    /// A client that stops reading a large response is let go after the idle time without
    /// progress (nginx's `send_timeout`), and the upstream connection behind it with it.
    @Test func aClientThatStopsReadingIsClosedAfterTheIdleTime() async throws {
        var timeouts = ProxyTimeouts()
        // Also the time from the accept to the request: seconds for a busy machine.
        timeouts.clientIdle = .seconds(5)
        try await withProxy(
            timeouts: timeouts,
            behavior: { _ in .stream(bytes: 512 * 1024 * 1024, chunked: false) },
            { harness in
                // A client that sends its request and never reads.
                let channel = try await ClientBootstrap(group: harness.group)
                    .channelOption(ChannelOptions.autoRead, value: false)
                    .channelOption(ChannelOptions.socketOption(.so_rcvbuf), value: 4096)
                    .connect(to: harness.proxyAddress).get()
                try await channel.writeAndFlush(ByteBuffer(string: Self.get)).get()
                #expect(await eventually { harness.upstream.connectionCount == 1 })
                #expect(
                    await eventually(timeout: .seconds(20)) { harness.upstream.openConnectionCount == 0 },
                    "the upstream connection behind the stalled client is still open"
                )
                try? await channel.close().get()
            }
        )
    }

    /// A last response (`Connection: close`) smaller than the write watermark, to a client that
    /// reads none of it: the connection stays writable while the bytes wait behind full kernel
    /// buffers, and the close that waits for them is still let go after the client idle time.
    @Test func aClosingConnectionWhoseClientReadsNothingIsLetGoAfterTheIdleTime() async throws {
        var timeouts = ProxyTimeouts()
        // Also the time from the accept to the request: seconds for a busy machine.
        timeouts.clientIdle = .seconds(4)
        // Kernel buffers of a few KiB each side (left to autotuning, the gateway's grows to MiBs):
        // most of the 60 KiB waits in the gateway, below its 64 KiB watermark.
        try await withProxy(
            timeouts: timeouts,
            configure: { $0.clientSendBuffer = 4096 },
            behavior: { _ in .stream(bytes: 60 * 1024, chunked: false) },
            { harness in
                let channel = try await ClientBootstrap(group: harness.group)
                    .channelOption(ChannelOptions.autoRead, value: false)
                    .channelOption(ChannelOptions.socketOption(.so_rcvbuf), value: 4096)
                    .connect(to: harness.proxyAddress).get()
                try await channel.writeAndFlush(
                    ByteBuffer(string: "GET / HTTP/1.1\r\nHost: a.s20.online\r\nConnection: close\r\n\r\n")
                ).get()
                #expect(await eventually { harness.upstream.completeRequests.count == 1 })
                #expect(
                    await eventually(timeout: .seconds(20)) { harness.proxy.openClientConnections == 0 },
                    "the closing connection waits for a client that reads nothing"
                )
                try? await channel.close().get()
            }
        )
    }

    /// An invalid chunk read in the same bytes as the head: what came before it reaches the client
    /// (the head, the first chunk), then the close; never nothing at all, never a complete response.
    @Test func aBadChunkFromTheUpstreamLeavesTheClientWhatCameBeforeIt() async throws {
        try await withProxy(
            behavior: { _ in
                .raw("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nZZ\r\nmore\r\n0\r\n\r\n")
            },
            { harness in
                let connection = try await harness.connect()
                try await connection.send(Self.get)
                #expect(await connection.waitForClose())
                let text = connection.text
                #expect(text.hasPrefix("HTTP/1.1 200"), "\(text)")
                #expect(text.contains("5\r\nhello\r\n"), "\(text)")
                #expect(!text.contains("more"))
                #expect(HTTPRawResponse.parseAll(connection.bytes).isEmpty)
            }
        )
    }

    @Test func chunkedResponseCutShortIsNotPresentedAsComplete() async throws {
        try await withProxy(
            behavior: { _ in
                .raw("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n")
            },
            { harness in
                let connection = try await harness.connect()
                try await connection.send(Self.get)
                #expect(await connection.waitForClose())
                // No last chunk after the body (the head, which may end in a request ID with a
                // final 0, is not looked at).
                let text = connection.text
                let body = text.range(of: "\r\n\r\n").map { String(text[$0.upperBound...]) } ?? ""
                #expect(!body.contains("0\r\n\r\n"), "\(text)")
                #expect(HTTPRawResponse.parseAll(connection.bytes).isEmpty)
            }
        )
    }

    @Test(arguments: [
        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
        "HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\nhello",
        // A coding the gateway does not decode, and chunked applied twice (nginx: 502 too).
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nhello",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n",
        "HTTP/1.1 2000 OK\r\nContent-Length: 0\r\n\r\n",
        "garbage\r\n\r\n",
        "HTTP/1.1 200 OK\r\nX-A: a\r\n b\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 200 OK\nContent-Length: 0\n\n",
        "HTTP/1.1 200 OK\r\nX-A : a\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nX-A: a\rb\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nX-Big: " + String(repeating: "a", count: 70_000) + "\r\nContent-Length: 0\r\n\r\n",
    ])
    func brokenUpstreamFramingGets502(raw: String) async throws {
        try await withProxy(
            behavior: { _ in .raw(raw) },
            { harness in
                let result = try await harness.exchange(Self.get)
                if let first = result.responses.first {
                    #expect(first.status == 502, "got \(result.raw.prefix(200))")
                } else {
                    // A response already started: the client connection is closed instead.
                    #expect(result.closedByPeer)
                }
                #expect(result.closedByPeer)
            }
        )
    }

    @Test func upstreamSendingMoreThanItsResponseIsNotReused() async throws {
        // Content-Length says 2, the upstream sends 7: the 5 extra bytes would be read as the next
        // response, so the connection is dropped instead of pooled.
        try await withProxy(
            threads: 1,
            behavior: { _ in .respond(.ok, HTTPHeaders([("Content-Length", "2")]), "okEXTRA") },
            { harness in
                // Pipelined: the second request is forwarded while the first response's bytes are
                // still being read, the moment a pooled connection would be handed out again.
                let connection = try await harness.connect()
                try await connection.send(Self.get + Self.get)
                let responses = await connection.waitForResponses(2)
                await connection.close()
                #expect(responses.map(\.status) == [200, 200])
                #expect(responses.map(\.bodyText) == ["ok", "ok"])
                #expect(harness.upstream.connectionCount == 2)
            }
        )
    }

    @Test func clientDisconnectCancelsTheUpstreamRequest() async throws {
        try await withProxy(
            behavior: { _ in .silent },
            { harness in
                let connection = try await harness.connect()
                try await connection.send(Self.get)
                #expect(await eventually { harness.upstream.requests.count == 1 })
                #expect(harness.upstream.openConnectionCount == 1)
                await connection.close()
                // The upstream connection holding the abandoned request is closed, not pooled.
                #expect(await eventually { harness.upstream.openConnectionCount == 0 })
            }
        )
    }

    @Test func deadPooledConnectionIsReplacedForAGet() async throws {
        try await withProxy(threads: 1) { harness in
            let connection = try await harness.connect()
            try await connection.send(Self.get)
            _ = await connection.waitForResponses(1)
            #expect(harness.upstream.connectionCount == 1)
            await harness.upstream.closeAllConnections()
            try await Task.sleep(for: .milliseconds(50))
            try await connection.send(Self.get)
            let responses = await connection.waitForResponses(2)
            await connection.close()
            #expect(responses.map(\.status) == [200, 200])
            #expect(harness.upstream.connectionCount == 2)
        }
    }

    @Test func postIsNeverReplayedAfterItsBytesWereSent() async throws {
        try await withProxy(
            behavior: { head in
                head.method == .POST ? .closeImmediately : .respond(.ok, HTTPHeaders(), "ok")
            },
            { harness in
                let result = try await harness.exchange(
                    "POST /api/pay HTTP/1.1\r\nHost: a.s20.online\r\nContent-Length: 3\r\n\r\nabc"
                )
                #expect(result.responses.first?.status == 502)
                #expect(harness.upstream.requests.filter { $0.head.method == .POST }.count == 1)
            }
        )
    }

    @Test func headerReadTimeoutGets408() async throws {
        var timeouts = ProxyTimeouts()
        timeouts.clientHeaderRead = .milliseconds(200)
        try await withProxy(timeouts: timeouts) { harness in
            let result = try await harness.exchange("GET / HTTP/1.1\r\nHost: a.s20")
            #expect(result.responses.first?.status == 408)
            #expect(result.closedByPeer)
            #expect(harness.upstream.requests.isEmpty)
        }
    }

    @Test func idleKeepAliveConnectionIsClosed() async throws {
        var timeouts = ProxyTimeouts()
        // The idle timer runs from accept: leave a loaded CI machine time to send the first request.
        timeouts.clientIdle = .seconds(3)
        try await withProxy(timeouts: timeouts) { harness in
            let connection = try await harness.connect()
            try await connection.send(Self.get)
            _ = await connection.waitForResponses(1)
            #expect(await connection.waitForClose())
        }
    }

    @Test func slowHeaderClientsDoNotStopOthers() async throws {
        try await withProxy { harness in
            var slow: [RawHTTPConnection] = []
            for _ in 0..<1000 {
                let connection = try await harness.connect()
                try await connection.send("GET / HTTP/1.1\r\nHost: a")
                slow.append(connection)
            }
            let result = try await harness.exchange("GET / HTTP/1.1\r\nHost: a.s20.online\r\nConnection: close\r\n\r\n")
            #expect(result.responses.first?.status == 200)
            for connection in slow { await connection.close() }
        }
    }
}

@Suite("Upstream pool")
struct UpstreamPoolTests {
    @Test func idlePooledConnectionsAreClosedAfterTheIdleTimeout() async throws {
        var timeouts = ProxyTimeouts()
        timeouts.upstreamIdle = .milliseconds(200)
        try await withProxy(threads: 1, timeouts: timeouts) { harness in
            let result = try await harness.exchange("GET / HTTP/1.1\r\nHost: a.s20.online\r\nConnection: close\r\n\r\n")
            #expect(result.responses.first?.status == 200)
            #expect(harness.upstream.connectionCount == 1)
            #expect(await eventually { harness.upstream.openConnectionCount == 0 })
        }
    }

    @Test func concurrentClientsShareABoundedPool() async throws {
        try await withProxy(threads: 1) { harness in
            try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<20 {
                    group.addTask {
                        let connection = try await harness.connect()
                        for round in 0..<5 {
                            try await connection.send("GET /\(index)/\(round) HTTP/1.1\r\nHost: a.s20.online\r\n\r\n")
                            _ = await connection.waitForResponses(round + 1)
                        }
                        let count = HTTPRawResponse.parseAll(connection.bytes).count
                        await connection.close()
                        return count
                    }
                }
                var total = 0
                for try await count in group { total += count }
                #expect(total == 100)
            }
            #expect(harness.upstream.completeRequests.count == 100)
            #expect(harness.upstream.connectionCount <= 20)
        }
    }
}

@Suite("Retry rules on a reused upstream connection")
struct RetryRuleTests {
    /// The upstream answers the first request, then drops the connection on the second one
    /// without answering (a keep-alive connection that died under the proxy's feet).
    static func flakyBehavior(_ counter: NIOLockedValueBox<Int>) -> @Sendable (HTTPRequestHead) -> UpstreamBehavior {
        { _ in
            let number = counter.withLockedValue { value -> Int in
                value += 1
                return value
            }
            return number == 2 ? .closeImmediately : .respond(.ok, HTTPHeaders(), "ok \(number)")
        }
    }

    @Test func bodylessGetIsRetriedOnAFreshConnection() async throws {
        let counter = NIOLockedValueBox(0)
        try await withProxy(threads: 1, behavior: Self.flakyBehavior(counter)) { harness in
            let connection = try await harness.connect()
            try await connection.send("GET /1 HTTP/1.1\r\nHost: a.s20.online\r\n\r\n")
            _ = await connection.waitForResponses(1)
            try await connection.send("GET /2 HTTP/1.1\r\nHost: a.s20.online\r\n\r\n")
            let responses = await connection.waitForResponses(2)
            await connection.close()
            #expect(responses.map(\.status) == [200, 200])
            #expect(responses.last?.bodyText == "ok 3")
            #expect(harness.upstream.requests.map(\.head.uri) == ["/1", "/2", "/2"])
            #expect(harness.upstream.connectionCount == 2)
        }
    }

    @Test func sentPostIsNotReplayed() async throws {
        let counter = NIOLockedValueBox(0)
        try await withProxy(threads: 1, behavior: Self.flakyBehavior(counter)) { harness in
            let connection = try await harness.connect()
            try await connection.send("GET /1 HTTP/1.1\r\nHost: a.s20.online\r\n\r\n")
            _ = await connection.waitForResponses(1)
            try await connection.send("POST /api/pay HTTP/1.1\r\nHost: a.s20.online\r\nContent-Length: 2\r\n\r\nok")
            let responses = await connection.waitForResponses(2)
            await connection.close()
            #expect(responses.map(\.status) == [200, 502])
            #expect(harness.upstream.requests.filter { $0.head.method == .POST }.count == 1)
        }
    }
}
