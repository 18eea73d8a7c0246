import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Proxy
import TestSupport
import Testing

/// A recording upstream and a proxy in front of it, on loopback ephemeral ports.
final class ProxyHarness: Sendable {
    let group: MultiThreadedEventLoopGroup
    let upstream: RecordingUpstream
    let proxy: ProxyServer
    let proxyAddress: SocketAddress
    let upstreamAddress: SocketAddress

    static let logger: Logger = {
        var logger = Logger(label: "proxy-tests")
        logger.logLevel = .critical
        return logger
    }()

    private init(
        group: MultiThreadedEventLoopGroup,
        upstream: RecordingUpstream,
        proxy: ProxyServer,
        proxyAddress: SocketAddress,
        upstreamAddress: SocketAddress
    ) {
        self.group = group
        self.upstream = upstream
        self.proxy = proxy
        self.proxyAddress = proxyAddress
        self.upstreamAddress = upstreamAddress
    }

    static func start(
        threads: Int = 2,
        decider: any RequestDecider = ForwardAllDecider(),
        timeouts: ProxyTimeouts = ProxyTimeouts(),
        limits: RequestLimits = RequestLimits(),
        trustedProxies: [CIDRBlock] = [],
        upstreamAddressOverride: SocketAddress? = nil,
        upstreamTLS: NIOSSLContext? = nil,
        accessLog: AccessLogSink? = nil,
        logger: Logger = ProxyHarness.logger,
        configure: (inout ProxyConfiguration) throws -> Void = { _ in },
        behavior: @escaping @Sendable (HTTPRequestHead) -> UpstreamBehavior = { _ in
            .respond(.ok, HTTPHeaders(), "hello")
        }
    ) async throws -> ProxyHarness {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        let upstream = RecordingUpstream(group: group, tls: upstreamTLS, behavior: behavior)
        let upstreamAddress = try await upstream.start()
        var configuration = ProxyConfiguration(
            listen: try SocketAddress(ipAddress: "127.0.0.1", port: 0),
            upstream: upstreamAddressOverride ?? upstreamAddress,
            timeouts: timeouts,
            limits: limits,
            headerPolicy: ForwardingHeaderPolicy(trustedProxies: trustedProxies)
        )
        try configure(&configuration)
        let proxy = ProxyServer(
            configuration: configuration,
            decider: decider,
            group: group,
            logger: logger,
            accessLog: accessLog
        )
        let proxyAddress = try await proxy.start()
        return ProxyHarness(
            group: group,
            upstream: upstream,
            proxy: proxy,
            proxyAddress: proxyAddress,
            upstreamAddress: upstreamAddress
        )
    }

    func connect() async throws -> RawHTTPConnection {
        try await RawHTTPConnection.connect(to: self.proxyAddress, group: self.group)
    }

    /// Sends raw bytes on a fresh connection and waits for the proxy to close it.
    func exchange(
        _ request: String,
        timeout: Duration = .seconds(10)
    ) async throws -> (
        responses: [HTTPRawResponse], raw: String, closedByPeer: Bool
    ) {
        try await RawHTTPConnection.exchange(request, with: self.proxyAddress, group: self.group, timeout: timeout)
    }

    /// Stops everything and checks that every client exchange was freed: an exchange and the
    /// handlers around it hold each other until its connection or stream ends.
    func stop() async {
        await self.proxy.shutdown(drain: .milliseconds(100))
        await self.upstream.stop()
        try? await self.group.shutdownGracefully()
        let proxy = self.proxy
        let freed = await eventually(timeout: .seconds(5)) { (proxy.liveExchangeCount ?? 0) == 0 }
        #expect(freed, "client exchanges left alive after shutdown: \(proxy.liveExchangeCount ?? 0)")
    }
}

/// Runs `body` with a started harness and always stops it.
func withProxy<T>(
    threads: Int = 2,
    decider: any RequestDecider = ForwardAllDecider(),
    timeouts: ProxyTimeouts = ProxyTimeouts(),
    limits: RequestLimits = RequestLimits(),
    trustedProxies: [CIDRBlock] = [],
    upstreamTLS: NIOSSLContext? = nil,
    accessLog: AccessLogSink? = nil,
    configure: (inout ProxyConfiguration) throws -> Void = { _ in },
    behavior: @escaping @Sendable (HTTPRequestHead) -> UpstreamBehavior = { _ in .respond(.ok, HTTPHeaders(), "hello")
    },
    _ body: (ProxyHarness) async throws -> T
) async throws -> T {
    let harness = try await ProxyHarness.start(
        threads: threads,
        decider: decider,
        timeouts: timeouts,
        limits: limits,
        trustedProxies: trustedProxies,
        upstreamTLS: upstreamTLS,
        accessLog: accessLog,
        configure: configure,
        behavior: behavior
    )
    do {
        let result = try await body(harness)
        await harness.stop()
        return result
    } catch {
        await harness.stop()
        throw error
    }
}

/// Polls `condition` until it holds or `timeout` passes (for effects observed on another connection).
func eventually(timeout: Duration = .seconds(10), _ condition: () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return condition()
}
