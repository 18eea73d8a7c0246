import NIOCore

/// Every group's servers resolved to addresses, each server once (a server in two groups shares
/// its pools and its health), with the health cells every event loop shares. Built once when the
/// proxy starts: resolving is a blocking `getaddrinfo`, so never on an event loop.
final class ResolvedUpstreams: Sendable {
    struct Server: Sendable {
        let label: String
        let address: SocketAddress
        let tls: UpstreamTLS?
        let health: UpstreamHealthCell
    }

    struct Group: Sendable {
        let name: String
        let policy: UpstreamBalancingPolicy
        /// Indexes into ``ResolvedUpstreams/servers``, in the group's order.
        let members: [Int]
        let weights: [Int]
    }

    let servers: [Server]
    /// The default group first.
    let groups: [Group]

    init(servers: [Server], groups: [Group]) {
        self.servers = servers
        self.groups = groups
    }

    /// Resolves every server of `groups`. `tls` carries the client context for https servers; a
    /// server given by name is verified against (and sends as SNI) its own name.
    static func resolve(
        _ groups: UpstreamGroups,
        tls: UpstreamTLS?,
        health: UpstreamHealthPolicy,
        resolver: (String, Int) throws -> SocketAddress = EndpointParser.resolve(host:port:)
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
                let address: SocketAddress
                switch server.endpoint {
                case .address(let given): address = given
                case .name(let host, let port): address = try resolver(host, port)
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
                        address: address,
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
