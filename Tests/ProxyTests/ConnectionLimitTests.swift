import NIOCore
import TestSupport
import Testing

@testable import Proxy

/// `--max-connections`: at the limit, a further client waits in the listen backlog (connected by
/// the kernel, never answered) until an open connection closes.
@Suite struct ConnectionLimitTests {
    @Test func theConnectionOverTheLimitWaitsUntilAnotherCloses() async throws {
        let limitTwo: (inout ProxyConfiguration) -> Void = { $0.maxConnections = 2 }
        try await withProxy(configure: limitTwo) { harness in
            let request = "GET / HTTP/1.1\r\nHost: acme.s20.online\r\n\r\n"
            let first = try await harness.connect()
            try await first.send(request)
            #expect(await first.waitForResponses(1).count == 1)
            let second = try await harness.connect()
            try await second.send(request)
            #expect(await second.waitForResponses(1).count == 1)

            let third = try await harness.connect()
            try await third.send(request)
            // Not accepted: nothing comes back while two connections are open.
            #expect(await third.waitForResponses(1, timeout: .milliseconds(500)).isEmpty)
            await first.close()
            #expect(await third.waitForResponses(1).count == 1)
            for connection in [second, third] { await connection.close() }
        }
    }
}
