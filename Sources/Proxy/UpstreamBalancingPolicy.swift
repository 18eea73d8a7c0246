/// How a group spreads requests over its servers.
public enum UpstreamBalancingPolicy: String, Sendable, Hashable, CaseIterable {
    /// Smooth weighted round robin (nginx's): each server in turn, in proportion to its weight.
    case roundRobin = "round_robin"
    /// The server with the fewest active connections relative to its weight.
    case leastConnections = "least_connections"
    /// Consistent hashing on the tenant key: one tenant keeps hitting the same server, and a
    /// server joining or leaving moves only its share of tenants. Requests with no tenant go
    /// round robin.
    case tenantHash = "tenant_hash"
}
