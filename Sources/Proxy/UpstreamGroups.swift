/// Every upstream group: the default one (`--upstream`) and the named ones of the profile.
/// A request goes to the group its decision names, else to the default group.
public struct UpstreamGroups: Sendable, Hashable {
    public var defaultGroup: UpstreamGroup
    /// Named groups by name (never `default`).
    public var named: [String: UpstreamGroup]

    public init(defaultGroup: UpstreamGroup, named: [String: UpstreamGroup] = [:]) {
        self.defaultGroup = defaultGroup
        self.named = named
    }

    /// A default group of these servers, round robin.
    public init(servers: [UpstreamServer]) {
        self.init(defaultGroup: UpstreamGroup(name: UpstreamGroup.defaultName, servers: servers))
    }

    /// The default group first, then the named ones by name.
    public var all: [UpstreamGroup] {
        [self.defaultGroup] + self.named.keys.sorted().compactMap { self.named[$0] }
    }
}
