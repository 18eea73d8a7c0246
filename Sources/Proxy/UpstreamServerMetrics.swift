import Metrics
import NIOCore

/// Per-server and per-group upstream metrics that change on failures and health changes, shared by
/// every event loop (swift-metrics objects are thread-safe; all of them are made up front, so no
/// registry lookup follows): `freezegate_upstream_server_errors_total{server,kind}` (`connect`,
/// `reset`, `timeout`), `freezegate_upstream_server_up{server}` (1 in service, 0 out) and
/// `freezegate_upstream_group_servers_up{group}`.
final class UpstreamServerMetrics: Sendable {
    static let errorKinds = ["connect", "reset", "timeout"]

    private let upstreams: ResolvedUpstreams
    private let errors: [[String: Counter]]
    private let up: [Gauge]
    private let groupsUp: [Gauge]

    init(upstreams: ResolvedUpstreams) {
        self.upstreams = upstreams
        self.errors = upstreams.servers.map { server in
            var byKind: [String: Counter] = [:]
            for kind in Self.errorKinds {
                byKind[kind] = Counter(
                    label: "freezegate_upstream_server_errors_total",
                    dimensions: [("server", server.label), ("kind", kind)]
                )
            }
            return byKind
        }
        self.up = upstreams.servers.map {
            Gauge(label: "freezegate_upstream_server_up", dimensions: [("server", $0.label)])
        }
        self.groupsUp = upstreams.groups.map {
            Gauge(label: "freezegate_upstream_group_servers_up", dimensions: [("group", $0.name)])
        }
        for gauge in self.up { gauge.record(1) }
        for (index, group) in upstreams.groups.enumerated() { self.groupsUp[index].record(group.members.count) }
    }

    func failed(_ server: Int, kind: String) {
        self.errors[server][kind]?.increment()
    }

    /// A server went out or came back: its gauge and its groups' counts.
    func healthChanged(_ server: Int, up: Bool) {
        self.up[server].record(up ? 1 : 0)
        for (index, group) in self.upstreams.groups.enumerated() where group.members.contains(server) {
            let count = group.members.filter { !self.upstreams.servers[$0].health.state.isDown }.count
            self.groupsUp[index].record(count)
        }
    }
}
