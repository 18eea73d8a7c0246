/// A named set of upstream servers with a balancing policy.
public struct UpstreamGroup: Sendable, Hashable {
    /// The name of the group the `--upstream` servers form.
    public static let defaultName = "default"

    public var name: String
    public var servers: [UpstreamServer]
    public var policy: UpstreamBalancingPolicy

    public init(name: String, servers: [UpstreamServer], policy: UpstreamBalancingPolicy = .roundRobin) {
        self.name = name
        self.servers = servers
        self.policy = policy
    }
}
