import Logging
import NIOCore

/// The upstream side of one event loop: a connection pool per server and a balancer per group,
/// touched only on its loop; the servers' health is shared with the other loops through
/// ``UpstreamHealthCell`` (atomics, no lock). Client connections ask it for a server per request
/// and report how the server did.
final class UpstreamRouter {
    let eventLoop: EventLoop
    let upstreams: ResolvedUpstreams
    /// One pool per server, indexed like ``ResolvedUpstreams/servers``.
    let pools: [UpstreamConnectionPool]
    private var balancers: [UpstreamBalancer]
    private let groupIndex: [String: Int]
    /// Unknown group names already warned about on this loop (one warning per name).
    private var warnedGroups: Set<String> = []
    private let logger: Logger
    let metrics: UpstreamServerMetrics
    /// This loop's responses and durations per server.
    let traffic: UpstreamServerTraffic
    /// Per server: when its failures were last reported (rate-limited warnings).
    private var failureLogs: [FailureLogWindow]
    /// Kept apart from the failures': a server's connect errors must not hide its bad responses.
    private var invalidResponseLogs: [FailureLogWindow]

    init(
        eventLoop: EventLoop,
        upstreams: ResolvedUpstreams,
        configuration: UpstreamPoolConfiguration,
        metrics: UpstreamServerMetrics,
        logger: Logger
    ) {
        self.eventLoop = eventLoop
        self.upstreams = upstreams
        self.pools = upstreams.servers.enumerated().map { index, server in
            UpstreamConnectionPool(
                eventLoop: eventLoop,
                addresses: server.addresses,
                configuration: configuration,
                tls: server.tls,
                serverIndex: index
            )
        }
        self.balancers = upstreams.groups.map { group in
            UpstreamBalancer(
                policy: group.policy,
                servers: zip(group.members, group.weights).map { (upstreams.servers[$0.0].label, $0.1) }
            )
        }
        var groupIndex: [String: Int] = [:]
        for (index, group) in upstreams.groups.enumerated() { groupIndex[group.name] = index }
        self.groupIndex = groupIndex
        self.metrics = metrics
        self.traffic = UpstreamServerTraffic(serverLabels: upstreams.servers.map(\.label))
        self.logger = logger
        self.failureLogs = Array(repeating: FailureLogWindow(), count: upstreams.servers.count)
        self.invalidResponseLogs = self.failureLogs
    }

    /// A warning per server at most every 10 s, with the failures counted since the last one.
    private func warnOfFailure(_ server: Int, kind: String) {
        guard server < self.failureLogs.count, let count = self.failureLogs[server].failed(at: .now()) else { return }
        self.logger.warning(
            "upstream failures",
            metadata: ["server": "\(self.upstreams.servers[server].label)", "kind": "\(kind)", "count": "\(count)"]
        )
    }

    /// The group a request goes to: the named one, else the default (an unknown name is warned
    /// about once and never drops the request).
    func group(named name: String?) -> Int {
        guard let name else { return 0 }
        if let index = self.groupIndex[name] { return index }
        if self.warnedGroups.insert(name).inserted {
            self.logger.warning(
                "unknown upstream group, using the default group",
                metadata: ["group": "\(name)"]
            )
        }
        return 0
    }

    /// How many servers the group has (a retry goes to another one when it has several).
    func serverCount(group: Int) -> Int {
        self.upstreams.groups[group].members.count
    }

    /// A server of `group` for a request, or nil when every server is out. `avoiding`: the server
    /// that just failed this request; another one is preferred when one is in service.
    func choose(group: Int, tenant: String?, avoiding: Int?) -> Int? {
        let members = self.upstreams.groups[group].members
        let lone = self.upstreams.groups[group].hasOneServer
        var refused: Set<Int> = avoiding.map { [$0] } ?? []
        let now = UpstreamHealthCell.now()
        // Each round either returns or refuses one more server, so this ends.
        for _ in 0...members.count {
            let servers = self.upstreams.servers
            let pools = self.pools
            let chosen = self.balancers[group].choose(
                tenant: tenant,
                eligible: { position in
                    let server = members[position]
                    return !refused.contains(server)
                        && servers[server].health.admission(now: now, lone: lone) != .unavailable
                },
                load: { position in pools[members[position]].activeCount }
            )
            guard let position = chosen else {
                // Only the avoided server is left: trying it again beats a 502 (a stale keep-alive
                // connection of a single server is what retries exist for).
                if let avoiding, refused == [avoiding], members.contains(avoiding),
                    self.upstreams.servers[avoiding].health.admission(now: now, lone: lone) == .available
                {
                    return avoiding
                }
                return nil
            }
            let server = members[position]
            let health = self.upstreams.servers[server].health
            if health.admission(now: now, lone: lone) == .available || health.claimProbe(now: now) {
                return server
            }
            // Another loop took this back-off period's one try.
            refused.insert(server)
        }
        return nil
    }

    /// A response head arrived from `server`.
    func recordSuccess(_ server: Int) {
        self.traffic.requestAnswered(server)
        if self.upstreams.servers[server].health.recordSuccess() == .cameBack {
            self.logger.notice(
                "upstream server back up",
                metadata: ["server": "\(self.upstreams.servers[server].label)"]
            )
            self.metrics.healthChanged(server, up: true)
        }
    }

    /// `server` refused or failed a connection (`kind`: `connect`, `reset`, …).
    func recordFailure(_ server: Int, kind: String) {
        self.metrics.failed(server, kind: kind)
        self.warnOfFailure(server, kind: kind)
        // The only server of its groups is never taken out by failures (see
        // ``UpstreamHealthState/admission(now:lone:)``): nor is it said to be down.
        if self.upstreams.aloneInEveryGroup[server] { return }
        let health = self.upstreams.servers[server].health
        if health.recordFailure(now: UpstreamHealthCell.now()) == .wentDown {
            self.logger.warning(
                "upstream server down",
                metadata: [
                    "server": "\(self.upstreams.servers[server].label)",
                    "failures": "\(health.policy.maxFailures)",
                    "retry_in_ms": "\(health.policy.backoffMilliseconds(level: 0))",
                ]
            )
            self.metrics.healthChanged(server, up: false)
        }
    }

    /// `server` answered with a response the gateway refuses (`reason`: what the parser found):
    /// a warning at most every 10 s per server, as nginx's "upstream sent invalid header" — and
    /// not a health failure, since the server did answer.
    func recordInvalidResponse(_ server: Int, reason: String) {
        guard server < self.invalidResponseLogs.count,
            let count = self.invalidResponseLogs[server].failed(at: .now())
        else { return }
        self.logger.warning(
            "upstream sent an invalid response",
            metadata: [
                "server": "\(self.upstreams.servers[server].label)", "reason": "\(reason)", "count": "\(count)",
            ]
        )
    }

    /// `server` did not answer a request in time, or fell silent in the middle of a body (counted;
    /// a slow request does not take a server out).
    func recordTimeout(_ server: Int) {
        self.metrics.failed(server, kind: "timeout")
        self.warnOfFailure(server, kind: "timeout")
    }

    /// `server`'s name resolved to other addresses (see ``UpstreamNameRefresher``).
    func updateAddresses(_ server: Int, _ addresses: [SocketAddress]) {
        self.pools[server].updateAddresses(addresses)
    }

    func release(_ connection: UpstreamConnection, reusable: Bool) {
        self.pools[connection.serverIndex].release(connection, reusable: reusable)
    }

    func detach(_ connection: UpstreamConnection) {
        self.pools[connection.serverIndex].detach(connection)
    }

    func shutdown() -> EventLoopFuture<Void> {
        EventLoopFuture.andAllComplete(self.pools.map { $0.shutdown() }, on: self.eventLoop)
    }
}
