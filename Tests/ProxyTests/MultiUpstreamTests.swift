import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Proxy
import TestSupport
import Testing

@Suite("Several upstream servers: balancing and passive health")
struct MultiUpstreamTests {
    @Test func roundRobinSpreadsRequestsEvenly() async throws {
        try await withFleet(count: 3, threads: 1) { fleet in
            let statuses = try await fleet.getSequentially(30)
            #expect(statuses == Array(repeating: 200, count: 30))
            #expect(fleet.servers.map(\.requests.count) == [10, 10, 10])
        }
    }

    @Test func roundRobinAcrossConnectionsAndLoops() async throws {
        try await withFleet(count: 3, threads: 2) { fleet in
            for _ in 0..<60 {
                let value1 = try await fleet.request()?.status
                #expect(value1 == 200)
            }
            // Each loop takes turns on its own: every server gets its share.
            for server in fleet.servers {
                #expect((14...26).contains(server.requests.count), "\(fleet.servers.map(\.requests.count))")
            }
        }
    }

    @Test func aServerKilledUnderLoadCostsNoGetRequest() async throws {
        try await withFleet(count: 3, threads: 2) { fleet in
            let statuses = try await withThrowingTaskGroup(of: [Int].self) { tasks in
                for _ in 0..<4 {
                    tasks.addTask { try await fleet.getSequentially(60) }
                }
                tasks.addTask {
                    // Kill a server while the clients are busy.
                    _ = await eventually { fleet.servers.map(\.requests.count).reduce(0, +) >= 40 }
                    await fleet.servers[1].stop()
                    return []
                }
                var all: [Int] = []
                for try await statuses in tasks { all += statuses }
                return all
            }
            #expect(statuses.count == 240)
            #expect(statuses.allSatisfy { $0 == 200 }, "\(statuses.filter { $0 != 200 })")
            // The survivors carried the rest.
            let before = fleet.servers[1].requests.count
            let value2 = try await fleet.getSequentially(10)
            #expect(value2 == Array(repeating: 200, count: 10))
            #expect(fleet.servers[1].requests.count == before)
        }
    }

    @Test func aGetOnAResetConnectionGoesToAnotherServerButAPostIsNeverReplayed() async throws {
        try await withFleet(
            count: 2,
            threads: 1,
            health: UpstreamHealthPolicy(maxFailures: 100, backoff: .seconds(60)),
            behavior: { index, head in
                // Server 0 drops everything, server 1 drops POSTs.
                index == 0 || head.method == .POST ? .closeImmediately : .respond(.ok, HTTPHeaders(), "server 1")
            },
            { fleet in
                // Server 0 takes the GET and drops it: the GET is answered by server 1.
                let get = try await fleet.request("GET", "/schedule")
                #expect(get?.status == 200)
                #expect(get?.bodyText == "server 1")
                #expect(fleet.servers[0].requests.map(\.head.uri) == ["/schedule"])
                // The POST's bytes were sent to whichever server took it: 502, never a second server.
                let post = try await fleet.request("POST", "/pay", body: "amount=100")
                #expect(post?.status == 502)
                let posts = fleet.servers.map { $0.requests.filter { $0.head.method == .POST }.count }
                #expect(posts.reduce(0, +) == 1, "\(posts)")
            }
        )
    }

    @Test func connectFailuresTakeAServerOutAndTheRequestGoesElsewhere() async throws {
        let dead = try await Self.deadAddress()
        try await withFleet(
            count: 1,
            threads: 1,
            groups: { addresses in
                UpstreamGroups(servers: [UpstreamServer(address: dead), UpstreamServer(address: addresses[0])])
            },
            { fleet in
                // Every request succeeds: the dead server's refusals (nothing sent) are retried on the
                // live one, a POST too.
                for _ in 0..<3 {
                    let posted = try await fleet.request("POST", "/pay", body: "amount=1")
                    #expect(posted?.status == 200)
                }
                for _ in 0..<3 {
                    let value3 = try await fleet.request()?.status
                    #expect(value3 == 200)
                }
                #expect(fleet.servers[0].requests.count == 6)
            }
        )
    }

    @Test func allServersDownGets502AndTheyAreTriedAgainAfterTheBackoff() async throws {
        let first = try await Self.deadAddress()
        let second = try await Self.deadAddress()
        try await withFleet(
            count: 0,
            threads: 1,
            health: UpstreamHealthPolicy(maxFailures: 1, backoff: .milliseconds(300)),
            groups: { _ in UpstreamGroups(servers: [UpstreamServer(address: first), UpstreamServer(address: second)]) },
            { fleet in
                let refused = try await fleet.request()
                #expect(refused?.status == 502)
                #expect(refused?.bodyText.contains("502") == true)
                // Both are out now: 502 at once, with the gateway's page.
                let out = try await fleet.request()
                #expect(out?.status == 502)
                #expect(out?.bodyText.contains("freezegate") == true)
                // The first comes back on its port: after its back-off one request tries it, and it
                // is in service again.
                let revived = RecordingUpstream(group: fleet.group) { _ in .respond(.ok, HTTPHeaders(), "back") }
                _ = try await revived.start(port: first.port ?? 0)
                var answered = false
                for _ in 0..<50 where !answered {
                    answered = try await fleet.request()?.status == 200
                    if !answered { try await Task.sleep(for: .milliseconds(100)) }
                }
                #expect(answered)
                let value4 = try await fleet.request()?.bodyText
                #expect(value4 == "back")
                await revived.stop()
            }
        )
    }

    @Test func leastConnectionsSendsNewRequestsAwayFromASlowServer() async throws {
        try await withFleet(
            count: 2,
            threads: 1,
            policy: .leastConnections,
            behavior: { index, _ in
                // Server 0 holds its request until the client goes: however slow the machine,
                // it stays busy for the whole test.
                index == 0 ? .silent : .respond(.ok, HTTPHeaders(), "fast")
            },
            { fleet in
                // The first request goes to server 0 and stays there.
                let slow = try await fleet.connect()
                try await slow.send("GET /slow HTTP/1.1\r\nHost: a.s20.online\r\n\r\n")
                #expect(await eventually { fleet.servers[0].requests.count == 1 })
                // Meanwhile every request goes to the idle server (round robin would send half).
                let value5 = try await fleet.getSequentially(10)
                #expect(value5 == Array(repeating: 200, count: 10))
                #expect(fleet.servers[1].requests.count == 10)
                #expect(fleet.servers[0].requests.count == 1)
                #expect(slow.bytes.isEmpty)
                await slow.close()
            }
        )
    }

    @Test func tenantHashKeepsEachTenantOnOneServerAndMovesOnlyTheRemovedServersTenants() async throws {
        let tenants = (0..<30).map { "school\($0)" }
        try await withFleet(count: 3, threads: 2, policy: .tenantHash, decider: HostLabelDecider()) { fleet in
            for tenant in tenants {
                for _ in 0..<3 {
                    let value6 = try await fleet.request(host: "\(tenant).s20.online")?.status
                    #expect(value6 == 200)
                }
            }
            var placement: [String: Int] = [:]
            for tenant in tenants {
                let servers = fleet.servers(receiving: "\(tenant).s20.online")
                #expect(servers.count == 1, "\(tenant) went to \(servers)")
                placement[tenant] = servers.first
            }
            #expect(Set(placement.values).count == 3)

            // Server 2 leaves: its tenants move, nobody else's.
            await fleet.servers[2].stop()
            let counts = fleet.servers.map(\.requests.count)
            for tenant in tenants {
                let value7 = try await fleet.request(host: "\(tenant).s20.online")?.status
                #expect(value7 == 200)
            }
            var moved = 0
            for tenant in tenants {
                let host = "\(tenant).s20.online"
                let now = (0..<2).filter { index in
                    fleet.servers[index].requests.dropFirst(counts[index]).contains {
                        $0.head.headers["host"].first == host
                    }
                }
                #expect(now.count == 1)
                if placement[tenant] == 2 {
                    moved += 1
                } else {
                    #expect(now.first == placement[tenant], "\(tenant) moved from \(placement[tenant] ?? -1)")
                }
            }
            #expect(moved == placement.values.filter { $0 == 2 }.count)
            #expect(moved > 0)
        }
    }

    @Test func aRequestGoesToItsNamedGroupAndAnUnknownGroupToTheDefault() async throws {
        try await withFleet(
            count: 3,
            threads: 1,
            decider: HostLabelDecider(routeByHost: true),
            groups: { addresses in
                UpstreamGroups(
                    defaultGroup: UpstreamGroup(name: "default", servers: [UpstreamServer(address: addresses[0])]),
                    named: [
                        "s21": UpstreamGroup(
                            name: "s21",
                            servers: [UpstreamServer(address: addresses[1]), UpstreamServer(address: addresses[2])]
                        )
                    ]
                )
            },
            { fleet in
                for _ in 0..<4 {
                    let value8 = try await fleet.request(host: "s21.online")?.status
                    #expect(value8 == 200)
                }
                #expect(fleet.servers.map(\.requests.count) == [0, 2, 2])
                let value9 = try await fleet.request(host: "nosuchgroup.online")?.bodyText
                #expect(value9 == "server 0")
                let value10 = try await fleet.request(host: "a.s20.online")?.bodyText
                #expect(value10 == "server 0")
            }
        )
    }

    /// A group's only server is never taken out by failures (as nginx): each request tries it,
    /// and the first after it comes back is served, not refused for the rest of a back-off.
    @Test func aGroupsOnlyServerIsNeverTakenOutByFailures() async throws {
        let dead = try await Self.deadAddress()
        let store = RecordingLogHandler.Store()
        let logger = Logger(label: "upstream-health") { _ in RecordingLogHandler(store: store) }
        try await withFleet(
            count: 0,
            threads: 1,
            health: UpstreamHealthPolicy(maxFailures: 1, backoff: .seconds(600)),
            groups: { _ in UpstreamGroups(servers: [UpstreamServer(address: dead)]) },
            logger: logger,
            { fleet in
                for _ in 0..<3 {
                    let status = try await fleet.request()?.status
                    #expect(status == 502)
                }
                let revived = RecordingUpstream(group: fleet.group) { _ in .respond(.ok, HTTPHeaders(), "back") }
                _ = try await revived.start(port: dead.port ?? 0)
                let served = try await fleet.request()
                #expect(served?.status == 200)
                #expect(served?.bodyText == "back")
                #expect(store.entries.withLock { $0.filter { $0.1 == "upstream server down" }.count } == 0)
                await revived.stop()
            }
        )
    }

    /// A server alone in one group and shared in another: the failures its shared group saw take
    /// it out there, never from the group it serves alone.
    @Test func aServerTakenOutInOneGroupStillServesTheGroupItServesAlone() async throws {
        let dead = try await Self.deadAddress()
        let store = RecordingLogHandler.Store()
        let logger = Logger(label: "upstream-health") { _ in RecordingLogHandler(store: store) }
        try await withFleet(
            count: 1,
            threads: 1,
            health: UpstreamHealthPolicy(maxFailures: 1, backoff: .seconds(600)),
            decider: HostLabelDecider(routeByHost: true),
            groups: { addresses in
                UpstreamGroups(
                    defaultGroup: UpstreamGroup(
                        name: "default",
                        servers: [UpstreamServer(address: dead), UpstreamServer(address: addresses[0])]
                    ),
                    named: ["solo": UpstreamGroup(name: "solo", servers: [UpstreamServer(address: dead)])]
                )
            },
            logger: logger,
            { fleet in
                for _ in 0..<4 {
                    let status = try await fleet.request()?.status
                    #expect(status == 200)
                }
                #expect(store.entries.withLock { $0.filter { $0.1 == "upstream server down" }.count } == 1)
                let revived = RecordingUpstream(group: fleet.group) { _ in .respond(.ok, HTTPHeaders(), "back") }
                _ = try await revived.start(port: dead.port ?? 0)
                let served = try await fleet.request(host: "solo.online")
                #expect(served?.status == 200)
                #expect(served?.bodyText == "back")
                await revived.stop()
            }
        )
    }

    @Test func goingDownAndComingBackAreLoggedOncePerTransition() async throws {
        let dead = try await Self.deadAddress()
        let store = RecordingLogHandler.Store()
        let logger = Logger(label: "upstream-health") { _ in RecordingLogHandler(store: store) }
        try await withFleet(
            count: 1,
            threads: 2,
            health: UpstreamHealthPolicy(maxFailures: 1, backoff: .milliseconds(200)),
            groups: { addresses in
                UpstreamGroups(servers: [UpstreamServer(address: dead), UpstreamServer(address: addresses[0])])
            },
            logger: logger,
            { fleet in
                for _ in 0..<20 {
                    let status = try await fleet.request()?.status
                    #expect(status == 200)
                }
                func count(_ message: String) -> Int {
                    store.entries.withLock { $0.filter { $0.1 == message }.count }
                }
                #expect(count("upstream server down") == 1)
                #expect(count("upstream server back up") == 0)
                // It comes back on its port: one request tries it after the back-off, and it is up.
                let revived = RecordingUpstream(group: fleet.group) { _ in .respond(.ok, HTTPHeaders(), "back") }
                _ = try await revived.start(port: dead.port ?? 0)
                var served = false
                for _ in 0..<50 where !served {
                    _ = try await fleet.request()
                    served = !revived.requests.isEmpty
                    if !served { try await Task.sleep(for: .milliseconds(50)) }
                }
                #expect(served)
                for _ in 0..<10 { _ = try await fleet.request() }
                #expect(count("upstream server back up") == 1)
                #expect(count("upstream server down") == 1)
                await revived.stop()
            }
        )
    }

    /// An address where nothing listens and no other test's server will take (each call another).
    static func deadAddress() async throws -> SocketAddress {
        try FreePort.deadAddress()
    }
}
