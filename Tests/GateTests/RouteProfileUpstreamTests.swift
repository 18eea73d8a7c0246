import Foundation
import NIOHTTP1
import TenantModel
import Testing

@testable import Gate

@Suite struct RouteProfileUpstreamTests {
    func parse(_ yaml: String) throws(RouteProfileError) -> RouteProfile {
        try RouteProfile(yaml: yaml, source: "test.yaml") { _ in throw CocoaError(.fileNoSuchFile) }
    }

    @Test func upstreamKeysAreRead() throws {
        let profile = try self.parse(
            """
            upstream: [http://10.0.0.1:8000, "https://crm.internal:8443"]
            upstream_max_fails: 4
            upstream_backoff: 1.5
            upstream_routes:
              S21.Online: s21
              s20.online: default
            upstream_groups:
              s21:
                policy: least_connections
                servers:
                  - url: http://10.0.1.1:8000
                    weight: 3
                  - http://10.0.1.2:8000
            """
        )
        #expect(profile.upstreams?.map(\.url) == ["http://10.0.0.1:8000", "https://crm.internal:8443"])
        #expect(profile.upstreams?.first?.line == 1)
        #expect(profile.upstreamMaxFails == 4)
        #expect(profile.upstreamBackoff == 1.5)
        #expect(profile.upstreamRoutes == ["s21.online": "s21", "s20.online": "default"])
        let group = try #require(profile.upstreamGroups.first)
        #expect(group.name == "s21")
        #expect(group.policy == "least_connections")
        #expect(group.servers.map(\.weight) == [3, 1])
        #expect(group.servers.map(\.line) == [11, 13])
    }

    @Test(arguments: [
        (
            "upstream_routes:\n  s21.online: s22\nupstream_groups:\n  s21:\n    servers: [http://a:1]\n", 2,
            "unknown upstream group 's22'"
        ),
        ("upstream_groups:\n  s21:\n    servers:\n      - http://10.0.1.1:x\n", 4, "has an invalid port"),
        ("upstream:\n  - http://crm:x80\n", 2, "has an invalid port"),
        ("upstream:\n  - http://crm:0\n", 2, "has an invalid port"),
        ("upstream:\n  - http://[::1]:65536\n", 2, "has an invalid port"),
        ("upstream:\n  - http://:80\n", 2, "has no host"),
        ("upstream:\n  - https://\n", 2, "has no host"),
        ("upstream_groups:\n  s21:\n    servers: []\n", 3, "has no servers"),
        ("upstream_groups:\n  s21:\n    policy: round_robin\n", 2, "has no servers"),
        ("upstream_groups:\n  s21:\n    servers:\n      - url: http://a:1\n        weight: 0\n", 5, "weight must be"),
        ("upstream_groups:\n  s21:\n    servers:\n      - url: http://a:1\n        weight: -2\n", 5, "weight must be"),
        ("upstream_groups:\n  s21:\n    policy: random\n    servers: [http://a:1]\n", 3, "unknown policy 'random'"),
        ("upstream_groups:\n  default:\n    servers: [http://a:1]\n", 2, "not 'default'"),
        ("upstream: [ftp://a:1]\n", 1, "not an http:// or https:// URL"),
        ("upstream_max_fails: 0\n", 1, "upstream_max_fails"),
        ("upstream: [{url: http://a:1, weight: 1001}]\n", 1, "weight must be"),
        ("upstream_health_check:\n  path: healthz\n", 2, "origin-form path"),
        ("upstream_health_check:\n  interval: 0\n", 2, "interval must be"),
        ("upstream_health_check:\n  unhealthy_threshold: 0\n", 2, "unhealthy_threshold must be"),
        ("upstream_health_check:\n  every: 5\n", 2, "unknown health check key 'every'"),
    ])
    func badUpstreamInputNamesTheLine(yaml: String, line: Int, message: String) {
        do {
            _ = try self.parse(yaml)
            Issue.record("accepted: \(yaml)")
        } catch {
            #expect(error.line == line, "\(error)")
            #expect(error.message.contains(message), "\(error)")
        }
    }

    /// A server's port may be left out, as on the command line (`--upstream http://crm` is port 80).
    @Test func aServerWithoutAPortIsAccepted() throws {
        let profile = try self.parse(
            "upstream: [http://crm, https://crm.example/]\nupstream_groups:\n  s21:\n    servers:\n      - http://[::1]\n      - http://10.0.1.1\n"
        )
        #expect(profile.upstreams?.map(\.url) == ["http://crm", "https://crm.example/"])
        #expect(profile.upstreamGroups.first?.servers.map(\.url) == ["http://[::1]", "http://10.0.1.1"])
    }

    @Test func healthCheckKeysAreRead() throws {
        let profile = try self.parse(
            "upstream_health_check:\n  path: /healthz\n  interval: 2\n  timeout: 0.5\n  healthy_threshold: 1\n"
        )
        let check = try #require(profile.upstreamHealthCheck)
        #expect(check.path == "/healthz")
        #expect(check.interval == 2)
        #expect(check.timeout == 0.5)
        #expect(check.healthyThreshold == 1)
        #expect(check.unhealthyThreshold == 3)
        #expect(try self.parse("base_domains: [s20.online]\n").upstreamHealthCheck == nil)
    }

    @Test func theGateNamesTheGroupOfATenantOrOfItsBaseDomain() throws {
        var profile = RouteProfile.alfaCRM
        profile.upstreamRoutes = ["s21.online": "s21"]
        let gate = Gate(profile: profile, baseDomains: ["s20.online", "s21.online"])
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let snapshot = TenantSnapshot(
            records: [
                TenantRecord(key: "acme", paidUntil: now.addingTimeInterval(86_400)),
                TenantRecord(key: "moved", paidUntil: now.addingTimeInterval(86_400), upstreamGroup: "s30"),
            ],
            loadedAt: now
        )
        func group(_ host: String) -> String? {
            let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: "/", headers: ["Host": host])
            return gate.decide(head: head, snapshot: snapshot, now: now).summary.upstreamGroup
        }
        #expect(group("acme.s20.online") == nil)
        #expect(group("acme.s21.online") == "s21")
        #expect(group("s21.online") == "s21")
        #expect(group("other.example") == nil)
        // The tenant's own group wins over its base domain's.
        #expect(group("moved.s21.online") == "s30")
        #expect(group("moved.s20.online") == "s30")
    }
}
