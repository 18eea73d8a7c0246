import NIOCore

/// Every group's servers resolved to addresses, each server once (a server in two groups shares
/// its pools and its health), with the health cells every event loop shares. Built once when the
/// proxy starts: resolving is a blocking `getaddrinfo`, so never on an event loop.
final class ResolvedUpstreams: Sendable {
    struct Server: Sendable {
        let label: String
        /// Every address of its name at start (re-resolved later by ``UpstreamNameRefresher``).
        let addresses: [SocketAddress]
        /// The name to re-resolve; nil for a server given as an address or an IP literal.
        let host: String?
        let port: Int
        let tls: UpstreamTLS?
        let health: UpstreamHealthCell
    }

    struct Group: Sendable {
        let name: String
        let policy: UpstreamBalancingPolicy
        /// Indexes into ``ResolvedUpstreams/servers``, in the group's order.
        let members: [Int]
        let weights: [Int]
        /// One server serves the whole group: the failures of requests never take it out.
        let hasOneServer: Bool

        init(name: String, policy: UpstreamBalancingPolicy, members: [Int], weights: [Int]) {
            self.name = name
            self.policy = policy
            self.members = members
            self.weights = weights
            self.hasOneServer = members.allSatisfy { $0 == members.first }
        }
    }

    let servers: [Server]
    /// The default group first.
    let groups: [Group]
    /// Per server: it is the only server of every group it serves, so the failures of requests
    /// never take it out (nor say it is down).
    let aloneInEveryGroup: [Bool]

    init(servers: [Server], groups: [Group]) {
        self.servers = servers
        self.groups = groups
        var alone = Array(repeating: true, count: servers.count)
        for group in groups where !group.hasOneServer {
            for member in group.members { alone[member] = false }
        }
        self.aloneInEveryGroup = alone
    }

    /// Resolves every server of `groups`. `tls` carries the client context for https servers; a
    /// server given by name is verified against (and sends as SNI) its own name.
    static func resolve(
        _ groups: UpstreamGroups,
        tls: UpstreamTLS?,
        health: UpstreamHealthPolicy,
        resolver: UpstreamNameResolution.Resolver = UpstreamNameResolution.resolveAll(host:port:)
    ) throws -> ResolvedUpstreams {
        var servers: [Server] = []
        var indexByKey: [String: Int] = [:]
        var resolvedGroups: [Group] = []
        for group in groups.all {
            guard !group.servers.isEmpty else {
                throw EndpointParser.InvalidEndpoint(description: "upstream group '\(group.name)' has no servers")
            }
            var members: [Int] = []
            for server in group.servers {
                let key = "\(server.tls ? "https" : "http")://\(server.label)"
                if let index = indexByKey[key] {
                    members.append(index)
                    continue
                }
                let addresses: [SocketAddress]
                var name: String?
                var port = 0
                switch server.endpoint {
                case .address(let given):
                    addresses = [given]
                    port = given.port ?? 0
                case .name(let host, let serverPort):
                    addresses = try resolver(host, serverPort)
                    port = serverPort
                    if (try? SocketAddress(ipAddress: host, port: serverPort)) == nil { name = host }
                }
                var serverTLS: UpstreamTLS?
                if server.tls {
                    guard let tls else {
                        throw EndpointParser.InvalidEndpoint(description: "https upstream \(server.label) without TLS")
                    }
                    serverTLS = tls
                    if let hostname = server.tlsHostname {
                        serverTLS = UpstreamTLS(context: tls.context, serverHostname: UpstreamTLS.sniName(hostname))
                    }
                }
                indexByKey[key] = servers.count
                members.append(servers.count)
                servers.append(
                    Server(
                        label: server.label,
                        addresses: addresses,
                        host: name,
                        port: port,
                        tls: serverTLS,
                        health: UpstreamHealthCell(policy: health)
                    )
                )
            }
            resolvedGroups.append(
                Group(name: group.name, policy: group.policy, members: members, weights: group.servers.map(\.weight))
            )
        }
        return ResolvedUpstreams(servers: servers, groups: resolvedGroups)
    }
}
