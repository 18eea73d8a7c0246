import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization
import TestSupport
import Testing

@testable import Proxy

@Suite("Upstream names resolved again")
struct UpstreamDNSTests {
    @Test func resolvesEveryAddressOfANameAndAnIPLiteralToItself() throws {
        #expect(
            try UpstreamNameResolution.resolveAll(host: "127.0.0.1", port: 81) == [
                try SocketAddress(ipAddress: "127.0.0.1", port: 81)
            ]
        )
        let local = try UpstreamNameResolution.resolveAll(host: "localhost", port: 82)
        #expect(local.contains { $0.ipAddress == "127.0.0.1" || $0.ipAddress == "::1" })
        #expect(local.allSatisfy { $0.port == 82 })
        #expect(throws: EndpointParser.InvalidEndpoint.self) {
            try UpstreamNameResolution.resolveAll(host: "crm.invalid", port: 80)
        }
    }

    @Test func aNameWhoseAddressesChangeIsFollowedAndOneThatStopsResolvingKeepsItsLast() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let first = RecordingUpstream(group: group) { _ in .respond(.ok, HTTPHeaders(), "first") }
        let second = RecordingUpstream(group: group) { _ in .respond(.ok, HTTPHeaders(), "second") }
        let firstAddress = try await first.start()
        let secondAddress = try await second.start()
        let answer = Mutex<[SocketAddress]?>([firstAddress])
        let store = RecordingLogHandler.Store()
        var configuration = ProxyConfiguration(
            listen: try SocketAddress(ipAddress: "127.0.0.1", port: 0),
            upstreamGroups: UpstreamGroups(servers: [UpstreamServer(endpoint: .name(host: "crm.test", port: 8000))])
        )
        configuration.upstreamDNSRefresh = .milliseconds(50)
        configuration.upstreamResolver = { host, _ in
            guard host == "crm.test", let addresses = answer.withLock({ $0 }) else {
                throw EndpointParser.InvalidEndpoint(description: "cannot resolve host '\(host)'")
            }
            return addresses
        }
        let proxy = ProxyServer(
            configuration: configuration,
            decider: ForwardAllDecider(),
            group: group,
            logger: Logger(label: "dns") { _ in RecordingLogHandler(store: store) }
        )
        let proxyAddress = try await proxy.start()
        func body() async throws -> String? {
            try await RawHTTPConnection.exchange(
                "GET / HTTP/1.1\r\nHost: a.s20.online\r\nConnection: close\r\n\r\n",
                with: proxyAddress,
                group: group
            ).responses.first?.bodyText
        }
        func count(_ message: String) -> Int { store.entries.withLock { $0.filter { $0.1 == message }.count } }
        do {
            #expect(try await body() == "first")
            // The pool keeps that connection idle; the name moves to the second server.
            answer.withLock { $0 = [secondAddress] }
            var moved = false
            for _ in 0..<100 where !moved {
                moved = try await body() == "second"
                if !moved { try await Task.sleep(for: .milliseconds(20)) }
            }
            #expect(moved)
            // The idle connection to the address that is gone is closed.
            #expect(await eventually { first.openConnectionCount == 0 })
            #expect(count("upstream server addresses changed") == 1)

            // The name stops resolving: its last addresses stay in use, and that is logged once.
            answer.withLock { $0 = nil }
            #expect(
                await eventually { count("upstream server name does not resolve, keeping its last addresses") == 1 }
            )
            try await Task.sleep(for: .milliseconds(150))
            #expect(count("upstream server name does not resolve, keeping its last addresses") == 1)
            #expect(try await body() == "second")
            answer.withLock { $0 = [secondAddress] }
            #expect(await eventually { count("upstream server name resolves again") == 1 })
            #expect(count("upstream server addresses changed") == 1)
        } catch {
            Issue.record(error)
        }
        await proxy.shutdown(drain: .zero)
        await first.stop()
        await second.stop()
        try? await group.shutdownGracefully()
    }

    @Test func activeHealthChecksFollowTheNewAddresses() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let first = RecordingUpstream(group: group) { _ in .respond(.ok, HTTPHeaders(), "first") }
        let second = RecordingUpstream(group: group) { _ in .respond(.ok, HTTPHeaders(), "second") }
        let firstAddress = try await first.start()
        let secondAddress = try await second.start()
        let answer = Mutex<[SocketAddress]>([firstAddress])
        let store = RecordingLogHandler.Store()
        var configuration = ProxyConfiguration(
            listen: try SocketAddress(ipAddress: "127.0.0.1", port: 0),
            upstreamGroups: UpstreamGroups(servers: [UpstreamServer(endpoint: .name(host: "crm.test", port: 8000))])
        )
        configuration.upstreamDNSRefresh = .milliseconds(30)
        configuration.upstreamHealthCheck = UpstreamHealthCheck(
            path: "/health",
            interval: .milliseconds(30),
            timeout: .milliseconds(500),
            healthyThreshold: 1,
            unhealthyThreshold: 2
        )
        configuration.upstreamResolver = { _, _ in answer.withLock { $0 } }
        let proxy = ProxyServer(
            configuration: configuration,
            decider: ForwardAllDecider(),
            group: group,
            logger: Logger(label: "dns-health") { _ in RecordingLogHandler(store: store) }
        )
        let proxyAddress = try await proxy.start()
        do {
            #expect(await eventually { first.requests.contains { $0.head.uri == "/health" } })
            // The name moves, and the old server goes away: checks go to the new address.
            answer.withLock { $0 = [secondAddress] }
            #expect(await eventually { second.requests.contains { $0.head.uri == "/health" } })
            await first.stop()
            try await Task.sleep(for: .milliseconds(300))
            #expect(store.entries.withLock { $0.filter { $0.1 == "upstream server down" }.count } == 0)
            let response = try await RawHTTPConnection.exchange(
                "GET / HTTP/1.1\r\nHost: a.s20.online\r\nConnection: close\r\n\r\n",
                with: proxyAddress,
                group: group
            ).responses.first
            #expect(response?.bodyText == "second")
        } catch {
            Issue.record(error)
        }
        await proxy.shutdown(drain: .zero)
        await second.stop()
        try? await group.shutdownGracefully()
    }
}
