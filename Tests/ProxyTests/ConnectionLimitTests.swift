import NIOCore
import NIOPosix
import TestSupport
import Testing

@testable import Proxy

/// `--max-connections`: at the limit, a further client waits in the listen backlog (connected by
/// the kernel, never answered) until an open connection closes.
@Suite struct ConnectionLimitTests {
    @Test func theConnectionOverTheLimitWaitsUntilAnotherCloses() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let upstream = RecordingUpstream(group: group)
        let upstreamAddress = try await upstream.start()
        var configuration = ProxyConfiguration(
            listen: try SocketAddress(ipAddress: "127.0.0.1", port: 0),
            upstream: upstreamAddress
        )
        configuration.maxConnections = 2
        let proxy = ProxyServer(
            configuration: configuration,
            decider: ForwardAllDecider(),
            group: group,
            logger: ProxyHarness.logger
        )
        let address = try await proxy.start()
        let request = "GET / HTTP/1.1\r\nHost: acme.s20.online\r\n\r\n"
        let first = try await RawHTTPConnection.connect(to: address, group: group)
        try await first.send(request)
        #expect(await first.waitForResponses(1).count == 1)
        let second = try await RawHTTPConnection.connect(to: address, group: group)
        try await second.send(request)
        #expect(await second.waitForResponses(1).count == 1)

        let third = try await RawHTTPConnection.connect(to: address, group: group)
        try await third.send(request)
        // Not accepted: nothing comes back while two connections are open.
        #expect(await third.waitForResponses(1, timeout: .milliseconds(500)).isEmpty)
        await first.close()
        #expect(await third.waitForResponses(1).count == 1)

        for connection in [second, third] { await connection.close() }
        await proxy.shutdown(drain: .milliseconds(100))
        await upstream.stop()
        try await group.shutdownGracefully()
    }
}
