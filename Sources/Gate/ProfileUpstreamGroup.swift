/// A named upstream group of the profile (`upstream_groups`).
public struct ProfileUpstreamGroup: Sendable, Hashable {
    /// The balancing policies a group may name.
    public static let policies = ["round_robin", "least_connections", "tenant_hash"]

    public var name: String
    public var policy: String
    public var servers: [ProfileUpstreamServer]
    public var line: Int?

    public init(name: String, policy: String = "round_robin", servers: [ProfileUpstreamServer], line: Int? = nil) {
        self.name = name
        self.policy = policy
        self.servers = servers
        self.line = line
    }
}
