import NIOCore
import NIOHTTP1
import NIOPosix
import Proxy
import TestSupport
import Testing

@Suite("Graceful shutdown")
struct GracefulShutdownTests {
    @Test func requestInFlightFinishesAndNewConnectionsAreRefused() async throws {
        // The upstream answers late enough that the shutdown reaches the connection first, even on
        // a loaded machine (the answer must then say `Connection: close`): 2 s was not, once, in a
        // whole-suite run on 2 busy cores.
        let harness = try await ProxyHarness.start(behavior: { _ in .delayed(.seconds(6), .ok, "finished") })
        let connection = try await harness.connect()
        try await connection.send("GET /slow HTTP/1.1\r\nHost: a.s20.online\r\n\r\n")
        #expect(await eventually { harness.upstream.requests.count == 1 })

        async let stopped: Void = harness.proxy.shutdown(drain: .seconds(15))
        let responses = await connection.waitForResponses(1)
        #expect(responses.first?.status == 200)
        #expect(responses.first?.bodyText == "finished")
        #expect(responses.first?.header("connection") == "close")
        #expect(await connection.waitForClose())
        await stopped
        await #expect(throws: (any Error).self) {
            _ = try await RawHTTPConnection.connect(to: harness.proxyAddress, group: harness.group)
        }
        await harness.stop()
    }

    /// What the drain time cuts is the gateway's doing: logged `outcome=drain_timeout` with
    /// nginx's 444 (closed without a response), not as a client that went away (499).
    @Test func anExchangeCutByTheDrainIsLoggedAsTheDrains() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/access.log"
        let sink = try AccessLogSink(destination: .file(path), format: .combined, logger: ProxyHarness.logger)
        let harness = try await ProxyHarness.start(accessLog: sink, behavior: { _ in .silent })
        let connection = try await harness.connect()
        try await connection.send("GET /never HTTP/1.1\r\nHost: a.s20.online\r\n\r\n")
        #expect(await eventually { harness.upstream.requests.count == 1 })
        await harness.proxy.shutdown(drain: .milliseconds(200))
        #expect(await connection.waitForClose())
        await harness.stop()
        await sink.close()
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 1)
        #expect(lines.first?.contains(#""GET /never HTTP/1.1" 444 0 "#) == true, "\(lines)")
        #expect(lines.first?.contains(" outcome=drain_timeout ") == true, "\(lines)")
    }

    @Test func drainTimeIsBounded() async throws {
        let harness = try await ProxyHarness.start(behavior: { _ in .silent })
        let connection = try await harness.connect()
        try await connection.send("GET /never HTTP/1.1\r\nHost: a.s20.online\r\n\r\n")
        #expect(await eventually { harness.upstream.requests.count == 1 })
        await harness.proxy.shutdown(drain: .milliseconds(200))
        #expect(await connection.waitForClose())
        await harness.stop()
    }
}
