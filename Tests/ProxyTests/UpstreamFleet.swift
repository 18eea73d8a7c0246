import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Proxy
import TestSupport

/// Several recording upstream servers (real sockets on loopback) behind one proxy.
final class UpstreamFleet: Sendable {
    let group: MultiThreadedEventLoopGroup
    let servers: [RecordingUpstream]
    let addresses: [SocketAddress]
    let proxy: ProxyServer
    let proxyAddress: SocketAddress

    private init(
        group: MultiThreadedEventLoopGroup,
        servers: [RecordingUpstream],
        addresses: [SocketAddress],
        proxy: ProxyServer,
        proxyAddress: SocketAddress
    ) {
        self.group = group
        self.servers = servers
        self.addresses = addresses
        self.proxy = proxy
        self.proxyAddress = proxyAddress
    }

    /// `count` servers in the default group (with `policy`); `groups` builds other groupings from
    /// the servers' addresses instead. `behavior` gets the server's index.
    static func start(
        count: Int,
        threads: Int = 2,
        policy: UpstreamBalancingPolicy = .roundRobin,
        health: UpstreamHealthPolicy = UpstreamHealthPolicy(maxFailures: 2, backoff: .seconds(60)),
        decider: any RequestDecider = ForwardAllDecider(),
        groups: (([SocketAddress]) -> UpstreamGroups)? = nil,
        logger: Logger = ProxyHarness.logger,
        healthCheck: UpstreamHealthCheck? = nil,
        behavior: @escaping @Sendable (Int, HTTPRequestHead) -> UpstreamBehavior = { index, _ in
            .respond(.ok, HTTPHeaders(), "server \(index)")
        }
    ) async throws -> UpstreamFleet {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        var servers: [RecordingUpstream] = []
        var addresses: [SocketAddress] = []
        for index in 0..<count {
            let server = RecordingUpstream(group: group) { behavior(index, $0) }
            addresses.append(try await server.start())
            servers.append(server)
        }
        let upstreamGroups =
            groups?(addresses)
            ?? UpstreamGroups(
                defaultGroup: UpstreamGroup(
                    name: UpstreamGroup.defaultName,
                    servers: addresses.map { UpstreamServer(address: $0) },
                    policy: policy
                )
            )
        var configuration = ProxyConfiguration(
            listen: try SocketAddress(ipAddress: "127.0.0.1", port: 0),
            upstreamGroups: upstreamGroups
        )
        configuration.upstreamHealth = health
        configuration.upstreamHealthCheck = healthCheck
        let proxy = ProxyServer(
            configuration: configuration,
            decider: decider,
            group: group,
            logger: logger
        )
        let proxyAddress = try await proxy.start()
        return UpstreamFleet(
            group: group,
            servers: servers,
            addresses: addresses,
            proxy: proxy,
            proxyAddress: proxyAddress
        )
    }

    func connect() async throws -> RawHTTPConnection {
        try await RawHTTPConnection.connect(to: self.proxyAddress, group: self.group)
    }

    /// One request on a fresh connection (`Connection: close`); nil when no response came.
    func request(
        _ method: String = "GET",
        _ path: String = "/",
        host: String = "a.s20.online",
        body: String = ""
    )
        async throws -> HTTPRawResponse?
    {
        let length = body.isEmpty && method == "GET" ? "" : "Content-Length: \(body.utf8.count)\r\n"
        let result = try await RawHTTPConnection.exchange(
            "\(method) \(path) HTTP/1.1\r\nHost: \(host)\r\n\(length)Connection: close\r\n\r\n\(body)",
            with: self.proxyAddress,
            group: self.group
        )
        return result.responses.first
    }

    /// `count` GETs one after another on one keep-alive connection; their statuses.
    func getSequentially(_ count: Int, host: String = "a.s20.online") async throws -> [Int] {
        let connection = try await self.connect()
        for index in 0..<count {
            try await connection.send("GET /\(index) HTTP/1.1\r\nHost: \(host)\r\n\r\n")
            let responses = await connection.waitForResponses(index + 1)
            if responses.count <= index { break }
        }
        await connection.close()
        return HTTPRawResponse.parseAll(connection.bytes).map(\.status)
    }

    /// The index of the server that received each request with this Host, in arrival order.
    func servers(receiving host: String) -> Set<Int> {
        var result: Set<Int> = []
        for (index, server) in self.servers.enumerated()
        where server.requests.contains(where: { $0.head.headers["host"].first == host }) {
            result.insert(index)
        }
        return result
    }

    func stop() async {
        await self.proxy.shutdown(drain: .milliseconds(100))
        for server in self.servers { await server.stop() }
        try? await self.group.shutdownGracefully()
    }
}

/// Runs `body` with a started fleet and always stops it.
func withFleet<T>(
    count: Int,
    threads: Int = 2,
    policy: UpstreamBalancingPolicy = .roundRobin,
    health: UpstreamHealthPolicy = UpstreamHealthPolicy(maxFailures: 2, backoff: .seconds(60)),
    decider: any RequestDecider = ForwardAllDecider(),
    groups: (([SocketAddress]) -> UpstreamGroups)? = nil,
    logger: Logger = ProxyHarness.logger,
    healthCheck: UpstreamHealthCheck? = nil,
    behavior: @escaping @Sendable (Int, HTTPRequestHead) -> UpstreamBehavior = { index, _ in
        .respond(.ok, HTTPHeaders(), "server \(index)")
    },
    _ body: (UpstreamFleet) async throws -> T
) async throws -> T {
    let fleet = try await UpstreamFleet.start(
        count: count,
        threads: threads,
        policy: policy,
        health: health,
        decider: decider,
        groups: groups,
        logger: logger,
        healthCheck: healthCheck,
        behavior: behavior
    )
    do {
        let result = try await body(fleet)
        await fleet.stop()
        return result
    } catch {
        await fleet.stop()
        throw error
    }
}

/// Names the tenant (and, with `routeByHost`, the upstream group) after the Host's first label.
struct HostLabelDecider: RequestDecider {
    var routeByHost = false

    func decide(_ request: InboundRequest) -> ProxyDecision {
        let host = request.head.fields.values(of: "host").first ?? ""
        let label = host.split(separator: ".").first.map(String.init)
        return .forward(
            request.head,
            DecisionTags(
                requestClass: "test",
                decision: "forward",
                tenant: label,
                upstreamGroup: self.routeByHost ? label : nil
            )
        )
    }
}
