import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import TestSupport
import Testing

@testable import Proxy

@Suite("Access log and admin listener")
struct AccessLogAndAdminTests {
    /// A proxy whose access log goes to a file in a fresh directory; `body` gets the proxy's
    /// address; the file's lines are returned once the proxy has stopped and the log is closed.
    static func withLoggingProxy(
        format: AccessLogFormat = .combined,
        trustedProxies: [CIDRBlock] = [],
        _ body: (SocketAddress, MultiThreadedEventLoopGroup, RecordingUpstream) async throws -> Void
    ) async throws -> [String] {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/access.log"
        let sink = try AccessLogSink(destination: .file(path), format: format, logger: ProxyHarness.logger)
        let summarize: @Sendable (HTTPRequestHead) -> UpstreamBehavior = { _ in .summarize }
        // The proxy has stopped (its buffered lines handed over) when withProxy returns.
        try await withProxy(
            threads: 2,
            trustedProxies: trustedProxies,
            accessLog: sink,
            behavior: summarize
        ) { harness in
            try await body(harness.proxyAddress, harness.group, harness.upstream)
        }
        await sink.close()
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return text.split(separator: "\n").map(String.init)
    }

    /// A target that is not UTF-8 is logged as the bytes the client sent, as nginx logs it — not as
    /// the percent-encoded text the Gate reads, which a client may really have sent.
    @Test(arguments: [
        (AccessLogFormat.combined, #""GET /customer/\xE9t\xC3\xA9?q=%FF\xFF HTTP/1.1" "#),
        (.json, #""target":"/customer/\u00E9t\u00C3\u00A9?q=%FF\u00FF","#),
    ])
    func aTargetThatIsNotUTF8IsLoggedAsReceived(format: AccessLogFormat, expected: String) async throws {
        let lines = try await Self.withLoggingProxy(format: format) { address, group, _ in
            let connection = try await RawHTTPConnection.connect(to: address, group: group)
            try await connection.send(
                Array("GET /customer/".utf8) + [0xE9, 0x74, 0xC3, 0xA9] + Array("?q=%FF".utf8) + [0xFF]
                    + Array(" HTTP/1.1\r\nHost: acme.s20.online\r\nConnection: close\r\n\r\n".utf8)
            )
            // The recording upstream's decoder (NIO's) refuses such a target: the answer is not
            // the point, the line is.
            _ = await connection.waitForResponses(1)
            await connection.close()
        }
        #expect(lines.count == 1)
        #expect(lines.first?.contains(expected) == true, "\(lines)")
    }

    @Test func oneCombinedLineWithTheRequestFields() async throws {
        let lines = try await Self.withLoggingProxy { address, group, _ in
            let result = try await RawHTTPConnection.exchange(
                "POST /api/x?y=1 HTTP/1.1\r\nHost: acme.s20.online\r\nContent-Length: 4\r\n"
                    + "Referer: https://acme.s20.online/\r\nUser-Agent: curl/7.88 \"quoted\"\r\nConnection: close\r\n\r\nbody",
                with: address,
                group: group
            )
            #expect(result.responses.first?.status == 200)
        }
        #expect(lines.count == 1)
        let line = try #require(lines.first)
        // nginx's combined, byte for byte in its layout, then FreezeGate's fields.
        let combined = try #require(
            try Regex(
                #"^127\.0\.0\.1 - - \[\d{2}/[A-Z][a-z]{2}/\d{4}:\d{2}:\d{2}:\d{2} \+0000\] "POST /api/x\?y=1 HTTP/1\.1" 200 \d+ "https://acme\.s20\.online/" "curl/7\.88 \\x22quoted\\x22" rid=[0-9a-f]{32} host=acme\.s20\.online tenant=- class=unclassified decision=forward outcome=complete upstream_time=\d+\.\d{3} request_time=\d+\.\d{3}$"#
            ).wholeMatch(in: line),
            "\(line)"
        )
        _ = combined
    }

    @Test func jsonLinesParseAndCarryTheRequestID() async throws {
        let lines = try await Self.withLoggingProxy(format: .json) { address, group, _ in
            let result = try await RawHTTPConnection.exchange(
                "GET /customer/1/files/report.pdf HTTP/1.1\r\nHost: acme.s20.online\r\n"
                    + "User-Agent: Школа/1.0\r\nConnection: close\r\n\r\n",
                with: address,
                group: group
            )
            let id = try #require(result.responses.first?.header("x-request-id"))
            #expect(id.count == 32)
        }
        let line = try #require(lines.first)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["target"] as? String == "/customer/1/files/report.pdf")
        #expect(object["user_agent"] as? String == "Школа/1.0")
        #expect(object["referer"] is NSNull)
        #expect(object["status"] as? Int == 200)
        #expect(object["decision"] as? String == "forward")
        #expect((object["request_id"] as? String)?.count == 32)
        #expect(object["time"] is String)
        #expect(object["request_time"] is Double || object["request_time"] is Int)
    }

    @Test func requestIDIsForwardedReturnedAndOnlyATrustedProxysIsKept() async throws {
        let trusted = try #require(CIDRBlock("127.0.0.0/8"))
        // Untrusted client: its X-Request-Id is replaced.
        _ = try await Self.withLoggingProxy { address, group, upstream in
            let result = try await RawHTTPConnection.exchange(
                "GET / HTTP/1.1\r\nHost: a.s20.online\r\nX-Request-Id: forged\r\nConnection: close\r\n\r\n",
                with: address,
                group: group
            )
            let id = try #require(result.responses.first?.header("x-request-id"))
            #expect(id != "forged")
            #expect(upstream.requests.first?.head.headers["x-request-id"] == [id])
        }
        // A trusted proxy's is kept, and the client address is the one it reports.
        let lines = try await Self.withLoggingProxy(trustedProxies: [trusted]) { address, group, upstream in
            let result = try await RawHTTPConnection.exchange(
                "GET / HTTP/1.1\r\nHost: a.s20.online\r\nX-Request-Id: edge-1234\r\n"
                    + "X-Forwarded-For: 203.0.113.7\r\nConnection: close\r\n\r\n",
                with: address,
                group: group
            )
            #expect(result.responses.first?.header("x-request-id") == "edge-1234")
            #expect(upstream.requests.first?.head.headers["x-request-id"] == ["edge-1234"])
        }
        #expect(lines.first?.hasPrefix("203.0.113.7 - - [") == true)
        #expect(lines.first?.contains(" rid=edge-1234 ") == true)
        // "-" is the access log's mark for no ID: even a trusted proxy's is replaced.
        _ = try await Self.withLoggingProxy(trustedProxies: [trusted]) { address, group, upstream in
            let result = try await RawHTTPConnection.exchange(
                "GET / HTTP/1.1\r\nHost: a.s20.online\r\nX-Request-Id: -\r\nConnection: close\r\n\r\n",
                with: address,
                group: group
            )
            let id = try #require(result.responses.first?.header("x-request-id"))
            #expect(id != "-" && !id.isEmpty)
            #expect(upstream.requests.first?.head.headers["x-request-id"] == [id])
        }
    }

    @Test func connectionsAndRequestsGetDistinctRequestIDs() async throws {
        // The IDs of a loop come from one generator, shared by its connections and streams.
        _ = try await Self.withLoggingProxy { address, group, _ in
            var ids: [String] = []
            for _ in 0..<4 {
                let result = try await RawHTTPConnection.exchange(
                    "GET /a HTTP/1.1\r\nHost: a.s20.online\r\n\r\n"
                        + "GET /b HTTP/1.1\r\nHost: a.s20.online\r\nConnection: close\r\n\r\n",
                    with: address,
                    group: group
                )
                ids += result.responses.compactMap { $0.header("x-request-id") }
            }
            #expect(ids.count == 8)
            #expect(Set(ids).count == 8)
            #expect(ids.allSatisfy { $0.utf8.count == 32 })
        }
    }

    @Test func gatewayAnswersCarryARequestIDAndAreLogged() async throws {
        let lines = try await Self.withLoggingProxy { address, group, _ in
            let result = try await RawHTTPConnection.exchange(
                "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
                with: address,
                group: group
            )
            #expect(result.responses.first?.status == 400)
            #expect(result.responses.first?.header("x-request-id")?.count == 32)
        }
        #expect(lines.count == 1)
        #expect(lines.first?.contains("\"GET / HTTP/1.1\" 400 ") == true, "\(lines)")
    }

    /// A request refused for its head is logged with its request line as received, as nginx logs
    /// it: its method, target and version when it has them, else the line as it came.
    @Test(arguments: [
        (AccessLogFormat.combined, "GET /nohost HTTP/1.1\r\n\r\n", #""GET /nohost HTTP/1.1" 400 "#),
        (.combined, "GET /f\u{01} HTTP/1.1\r\nHost: a\r\n\r\n", #""GET /f\x01 HTTP/1.1" 400 "#),
        (.combined, "GARBAGE\u{01}\r\nHost: a\r\n\r\n", #""GARBAGE\x01" 400 "#),
        (.combined, "GET / HTTP/2.0\r\nHost: a\r\n\r\n", #""GET / HTTP/2.0" 505 "#),
        (.combined, "GET /a b HTTP/1.1\r\nHost: a\r\n\r\n", #""GET /a b HTTP/1.1" 400 "#),
        (.combined, "GET / HTTP/1.0\r\nBad Field: x\r\n\r\n", #""GET / HTTP/1.0" 400 "#),
        (
            .json, "GET /nohost HTTP/1.1\r\n\r\n",
            #""method":"GET","target":"/nohost","protocol":"HTTP/1.1","status":400,"#
        ),
        (.json, "GARBAGE\r\nHost: a\r\n\r\n", #""method":"-","target":"-","protocol":"-","status":400,"#),
    ])
    func aRefusedRequestIsLoggedWithItsRequestLine(
        format: AccessLogFormat,
        request: String,
        expected: String
    )
        async throws
    {
        let lines = try await Self.withLoggingProxy(format: format) { address, group, upstream in
            let result = try await RawHTTPConnection.exchange(request, with: address, group: group)
            #expect(result.responses.first.map { $0.status >= 400 } == true)
            #expect(upstream.requests.isEmpty)
        }
        #expect(lines.count == 1)
        #expect(lines.first?.contains(expected) == true, "\(lines)")
    }

    @Test func reopenWritesToTheNewFile() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/access.log"
        let sink = try AccessLogSink(destination: .file(path), format: .combined, logger: ProxyHarness.logger)
        sink.submit(Array("first\n".utf8), lines: 1)
        // logrotate: the old file is moved away, then the gateway reopens.
        #expect(await eventually { (try? String(contentsOfFile: path, encoding: .utf8)) == "first\n" })
        try FileManager.default.moveItem(atPath: path, toPath: path + ".1")
        sink.reopen()
        sink.submit(Array("second\n".utf8), lines: 1)
        await sink.close()
        #expect(try String(contentsOfFile: path + ".1", encoding: .utf8) == "first\n")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "second\n")
    }

    /// The lines of requests served before SIGUSR1 go to the file logrotate moved away, also those
    /// still in their event loop's buffer (up to a second's); the requests after it, to the new one.
    @Test func reopeningHandsTheLoopsLinesToTheOldFileFirst() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/access.log"
        let sink = try AccessLogSink(destination: .file(path), format: .combined, logger: ProxyHarness.logger)
        let summarize: @Sendable (HTTPRequestHead) -> UpstreamBehavior = { _ in .summarize }
        try await withProxy(threads: 2, accessLog: sink, behavior: summarize) { harness in
            for target in ["/before-1", "/before-2"] {
                let result = try await RawHTTPConnection.exchange(
                    "GET \(target) HTTP/1.1\r\nHost: a.s20.online\r\nConnection: close\r\n\r\n",
                    with: harness.proxyAddress,
                    group: harness.group
                )
                #expect(result.responses.first?.status == 200)
            }
            try FileManager.default.moveItem(atPath: path, toPath: path + ".1")
            harness.proxy.reopenAccessLog()
            #expect(await eventually { FileManager.default.fileExists(atPath: path) }, "the file was not opened anew")
            let after = try await RawHTTPConnection.exchange(
                "GET /after HTTP/1.1\r\nHost: a.s20.online\r\nConnection: close\r\n\r\n",
                with: harness.proxyAddress,
                group: harness.group
            )
            #expect(after.responses.first?.status == 200)
        }
        await sink.close()
        let old = try String(contentsOfFile: path + ".1", encoding: .utf8)
        let new = try String(contentsOfFile: path, encoding: .utf8)
        #expect(old.contains("GET /before-1 ") && old.contains("GET /before-2 ") && !old.contains("/after"), "\(old)")
        #expect(new.contains("GET /after ") && !new.contains("/before"), "\(new)")
    }

    @Test func aWriterThatFallsBehindDropsAndCountsInsteadOfGrowing() async throws {
        let directory = try TemporaryDirectory()
        let sink = try AccessLogSink(
            destination: .file(directory.path + "/access.log"),
            format: .combined,
            maxQueuedBytes: 10,
            logger: ProxyHarness.logger
        )
        sink.submit(Array(repeating: UInt8(ascii: "x"), count: 11), lines: 3)
        #expect(sink.droppedLines == 3)
        await sink.close()
        sink.submit(Array("late\n".utf8), lines: 1)
        #expect(sink.droppedLines == 4)
    }

    @Test func anUnopenableFileIsAClearError() throws {
        #expect {
            _ = try AccessLogSink(
                destination: .file("/nonexistent-directory/access.log"),
                format: .combined,
                logger: ProxyHarness.logger
            )
        } throws: { error in
            "\(error)" == "cannot open access log '/nonexistent-directory/access.log': No such file or directory"
        }
    }

    @Test func adminEndpointsOverTCP() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let ready = NIOLockedValueBox(false)
        let admin = AdminServer(
            address: try SocketAddress(ipAddress: "127.0.0.1", port: 0),
            group: group,
            logger: ProxyHarness.logger,
            readiness: { ready.withLockedValue { $0 } },
            metrics: { "# TYPE up gauge\nup 1\n" }
        )
        let address = try await admin.start()
        func get(_ path: String) async throws -> HTTPRawResponse? {
            try await RawHTTPConnection.exchange(
                "GET \(path) HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                with: address,
                group: group
            ).responses.first
        }
        #expect(try await get("/healthz")?.status == 200)
        #expect(try await get("/readyz")?.status == 503)
        ready.withLockedValue { $0 = true }
        #expect(try await get("/readyz")?.status == 200)
        let metrics = try await get("/metrics")
        #expect(metrics?.status == 200)
        #expect(metrics?.bodyText == "# TYPE up gauge\nup 1\n")
        #expect(metrics?.header("content-type")?.hasPrefix("text/plain") == true)
        admin.stop()
        try await group.shutdownGracefully()
    }
}
