import Gate
import Proxy

/// Turns the profile's upstream groups into the proxy's, checking every server URL; an error
/// names the file and line. Nothing is resolved here (names are resolved when serving starts).
package enum UpstreamProfileSettings {
    package struct Failure: Error, CustomStringConvertible {
        package var description: String
    }

    /// The profile's own `upstream` servers, checked (`check-config`, and `serve` without flags).
    package static func defaultServers(profile: RouteProfile, source: String) throws -> [UpstreamServer] {
        try (profile.upstreams ?? []).map { try self.server($0, source: source) }
    }

    private static func server(_ server: ProfileUpstreamServer, source: String) throws -> UpstreamServer {
        do {
            return try UpstreamServer(url: server.url, weight: server.weight)
        } catch {
            throw Failure(description: "\(source)\(server.line.map { ":\($0)" } ?? ""): \(error)")
        }
    }

    package static func groups(
        defaultServers: [UpstreamServer],
        profile: RouteProfile,
        source: String
    ) throws -> UpstreamGroups {
        var named: [String: UpstreamGroup] = [:]
        for group in profile.upstreamGroups {
            let servers = try group.servers.map { try self.server($0, source: source) }
            guard let policy = UpstreamBalancingPolicy(rawValue: group.policy) else {
                throw Failure(
                    description: "\(source)\(group.line.map { ":\($0)" } ?? ""): unknown policy '\(group.policy)'"
                )
            }
            named[group.name] = UpstreamGroup(name: group.name, servers: servers, policy: policy)
        }
        return UpstreamGroups(
            defaultGroup: UpstreamGroup(name: UpstreamGroup.defaultName, servers: defaultServers),
            named: named
        )
    }

    /// The profile's active health check for the proxy.
    package static func healthCheck(_ check: ProfileHealthCheck) -> UpstreamHealthCheck {
        UpstreamHealthCheck(
            path: check.path,
            interval: .nanoseconds(Int64(check.interval * 1_000_000_000)),
            timeout: .nanoseconds(Int64(check.timeout * 1_000_000_000)),
            healthyThreshold: check.healthyThreshold,
            unhealthyThreshold: check.unhealthyThreshold
        )
    }
}
