import Foundation
import NIOHTTP1
import TenantModel
import TestSupport
import Testing

@testable import Gate

@Suite struct GateTests {
    let gate = defaultGate

    func decide(
        _ head: HTTPRequestHead,
        snapshot: TenantSnapshot? = fixtureSnapshot(),
        now: Date = fixtureNow
    ) -> GateDecision {
        self.gate.decide(head: head, snapshot: snapshot, now: now)
    }

    /// host × path → decision, for every tenant state (acme frozen, gamma expired, beta active,
    /// nobody unknown, delta/epsilon by custom domain).
    @Test(arguments: [
        ("acme.s20.online", "/company/1/users", "block", "admin"),
        ("acme.s20.online", "/teacher/1", "block", "teacher"),
        ("acme.s20.online", "/company/1/licensing", "forward", "licensing"),
        ("acme.s20.online", "/customer/1", "forward", "client"),
        ("acme.s20.online", "/v2api/x", "forward", "api"),
        ("acme.s20.online", "/api/hook", "forward", "webhook"),
        ("acme.s20.online", "/", "forward", "public"),
        ("acme.s20.online", "/elsewhere", "block", "unknown"),
        ("gamma.s20.online", "/company/1/users", "block", "admin"),
        ("gamma.s20.online", "/company/1/licensing/pay", "forward", "licensing"),
        ("gamma.s20.online", "/customer", "forward", "client"),
        ("beta.s20.online", "/company/1/users", "forward", "admin"),
        ("beta.s20.online", "/teacher/1", "forward", "teacher"),
        ("beta.s20.online", "/elsewhere", "forward", "unknown"),
        ("nobody.s20.online", "/company/1/users", "forward", "admin"),
        ("s20.online", "/company/1/users", "forward", "admin"),
        ("example.com", "/company/1/users", "forward", "admin"),
        ("crm.delta-school.edu", "/company/1/users", "forward", "admin"),
        ("школа.рф", "/company/1/users", "block", "admin"),
        ("xn--80atdl2c.xn--p1ai", "/teacher", "block", "teacher"),
        ("xn--80atdl2c.xn--p1ai", "/customer", "forward", "client"),
    ])
    func matrix(host: String, target: String, decision: String, requestClass: String) {
        let result = self.decide(requestHead(.GET, target, host: host))
        #expect(result.summary.decision == decision)
        #expect(result.summary.requestClass == requestClass)
    }

    @Test func blockedSummaryAndJSON() {
        let result = self.decide(requestHead(.POST, "/company/3/users/save", headers: [("Accept", "application/json")]))
        #expect(
            result.summary
                == GateSummary(tenant: "acme", requestClass: "admin", decision: "block", reason: "tenant_frozen")
        )
        #expect(result.responseStatus == .forbidden)
        #expect(
            result.responseBody
                == #"{"error": "tenant_frozen", "tenant": "acme", "until": "2027-08-01T00:00:00Z", "licensing_url": "/company/3/licensing"}"#
        )
        let closes = result.closesConnection
        #expect(!closes)
    }

    @Test func expiredTeacherJSON() {
        let result = self.decide(
            requestHead(.GET, "/teacher/1", host: "gamma.s20.online", headers: [("X-Requested-With", "XMLHttpRequest")])
        )
        #expect(
            result.responseBody
                == #"{"error": "license_expired", "tenant": "gamma", "until": null, "licensing_url": null}"#
        )
    }

    @Test func headGetsHeadersOnly() {
        let get = self.decide(requestHead(.GET, "/company/1"))
        let head = self.decide(requestHead(.HEAD, "/company/1"))
        #expect(head.responseStatus == .forbidden)
        #expect(head.responseBody == "")
        #expect(head.responseHeaders == get.responseHeaders)
    }

    @Test func forwardedHeadIsTheOriginalMinusOverrides() {
        let original = requestHead(
            .GET,
            "/customer/1?x=%2F",
            headers: [("Cookie", "s=1"), ("X-Original-URL", "/company/1"), ("X_Forwarded_For", "x")]
        )
        guard let forwarded = self.decide(original).forwardedHead else {
            Issue.record("not forwarded")
            return
        }
        #expect(forwarded.uri == "/customer/1?x=%2F")
        #expect(forwarded.method == .GET)
        #expect(forwarded.headers.map(\.name) == ["Host", "Cookie"])
    }

    @Test func activeTenantTargetIsByteForByte() {
        for target in ["/company/1/users", "/COMPANY/%2e%2e/x;y", "/customer\\..\\company", "/a%00b"] {
            let head = requestHead(.PUT, target, host: "beta.s20.online", headers: [("Content-Length", "3")])
            #expect(self.decide(head).forwardedHead == head)
        }
    }

    @Test func methodOverrideRemovedOnBlockedClassesOnly() {
        let admin = requestHead(
            .POST,
            "/company/1",
            host: "beta.s20.online",
            headers: [("X-HTTP-Method-Override", "DELETE")]
        )
        #expect(self.decide(admin).forwardedHead?.headers["X-HTTP-Method-Override"] == [])
        let client = requestHead(
            .POST,
            "/customer/1",
            host: "beta.s20.online",
            headers: [("X-HTTP-Method-Override", "DELETE")]
        )
        #expect(self.decide(client).forwardedHead?.headers["X-HTTP-Method-Override"] == ["DELETE"])
    }

    @Test func routingOverrideCannotUnfreeze() {
        let head = requestHead(
            .GET,
            "/",
            headers: [("X-Original-URL", "/company/1/users"), ("X-Rewrite-URL", "/teacher")]
        )
        guard let forwarded = self.decide(head).forwardedHead else {
            Issue.record("/ not forwarded")
            return
        }
        #expect(forwarded.headers["X-Original-URL"].isEmpty)
        #expect(forwarded.headers["X-Rewrite-URL"].isEmpty)
    }

    @Test(arguments: [
        ("http://acme.s20.online/company/1", "block"),
        ("http://acme.s20.online/customer/1", "forward"),
        ("http://beta.s20.online/company/1", "forward"),
    ])
    func absoluteForm(uri: String, decision: String) {
        // Host names another tenant: the absolute target decides.
        let other = uri.contains("acme") ? "beta.s20.online" : "acme.s20.online"
        let result = self.decide(requestHead(.GET, uri, host: other))
        #expect(result.summary.decision == decision)
        if let forwarded = result.forwardedHead {
            #expect(forwarded.uri.hasPrefix("/"))
            #expect(forwarded.headers["Host"] == [uri.contains("acme") ? "acme.s20.online" : "beta.s20.online"])
        }
    }

    @Test func badHostsAre400AndClose() {
        for head in [
            requestHead(.GET, "/", host: nil),
            requestHead(.GET, "/", headers: [("Host", "acme.s20.online")]),
            requestHead(.GET, "/", host: "user@acme.s20.online"),
            requestHead(.GET, "/", host: "acme..s20.online"),
        ] {
            let result = self.decide(head)
            #expect(result.responseStatus == .badRequest)
            #expect(result.summary.decision == "reject")
            let closes = result.closesConnection
            #expect(closes)
        }
    }

    @Test func noSnapshotForwardsByDefault() {
        let result = self.decide(requestHead(.GET, "/company/1"), snapshot: nil)
        #expect(result.isForward)
        #expect(result.summary.tenant == "acme")
    }

    @Test func noSnapshotBlocksWhenTheProfileSaysSo() {
        var profile = RouteProfile.alfaCRM
        profile.whenStateUnknown = .block
        let gate = Gate(profile: profile, baseDomains: ["s20.online"])
        let admin = gate.decide(head: requestHead(.GET, "/company/1"), snapshot: nil, now: fixtureNow)
        #expect(admin.responseStatus == .serviceUnavailable)
        #expect(admin.summary.reason == "state_unknown")
        #expect(gate.decide(head: requestHead(.GET, "/customer/1"), snapshot: nil, now: fixtureNow).isForward)
        #expect(
            gate.decide(head: requestHead(.GET, "/company/1", host: "example.com"), snapshot: nil, now: fixtureNow)
                .isForward
        )
    }

    @Test func staleSnapshotCountsAsNone() {
        var profile = RouteProfile.alfaCRM
        profile.maxSnapshotAge = 60
        let gate = Gate(profile: profile, baseDomains: ["s20.online"])
        let stale = fixtureSnapshot(loadedAt: fixtureNow.addingTimeInterval(-61))
        let fresh = fixtureSnapshot(loadedAt: fixtureNow.addingTimeInterval(-59))
        #expect(gate.decide(head: requestHead(.GET, "/company/1"), snapshot: stale, now: fixtureNow).isForward)
        #expect(
            gate.decide(head: requestHead(.GET, "/company/1"), snapshot: fresh, now: fixtureNow).summary.decision
                == "block"
        )
    }

    @Test func freezeStartsAndEndsOnTimeWithoutNewSnapshot() {
        let snapshot = fixtureSnapshot()
        let head = requestHead(.GET, "/company/1")
        #expect(self.decide(head, snapshot: snapshot, now: utc("2027-06-30T23:59:59Z")).isForward)
        #expect(self.decide(head, snapshot: snapshot, now: utc("2027-07-01T00:00:00Z")).summary.decision == "block")
        #expect(self.decide(head, snapshot: snapshot, now: utc("2027-08-01T00:00:00Z")).isForward)
        #expect(
            self.decide(head, snapshot: snapshot, now: utc("2027-09-01T00:00:00Z")).summary.reason == "license_expired"
        )
    }

    @Test func customBlockStatusAndBaseDomain() {
        var profile = RouteProfile.alfaCRM
        profile.blockStatus = 402
        let gate = Gate(profile: profile, baseDomains: ["crm.example"])
        let result = gate.decide(
            head: requestHead(.GET, "/company/1", host: "acme.crm.example"),
            snapshot: fixtureSnapshot(),
            now: fixtureNow
        )
        #expect(result.responseStatus?.code == 402)
        #expect(
            gate.decide(head: requestHead(.GET, "/company/1"), snapshot: fixtureSnapshot(), now: fixtureNow).isForward
        )
    }

    @Test func optionsAsterisk() {
        #expect(self.decide(requestHead(.OPTIONS, "*")).summary.decision == "block")
        #expect(self.decide(requestHead(.OPTIONS, "*", host: "beta.s20.online")).isForward)
    }

    @Test func h2cUpgradeIsStrippedFromForwardedRequests() {
        let head = requestHead(
            .GET,
            "/customer/1",
            headers: [("Upgrade", "h2c"), ("HTTP2-Settings", "AAA"), ("Connection", "Upgrade")]
        )
        #expect(self.decide(head).forwardedHead?.headers["Upgrade"] == [])
    }

    @Test func rejectReasonsAreBoundedLabels() {
        #expect(self.decide(requestHead(.GET, "/", host: nil)).summary.reason == "missing_host")
        #expect(self.decide(requestHead(.GET, "/", headers: [("Host", "x")])).summary.reason == "multiple_hosts")
        #expect(self.decide(requestHead(.GET, "/", host: "a b")).summary.reason == "invalid_host")
        #expect(self.decide(requestHead(.GET, "company")).summary.reason == "unsupported_target")
        let ambiguous = self.decide(requestHead(.GET, "/customer/a%252f;b\\c%2fｘ\u{200B}%ff%00%3f%u0041/x%20"))
        #expect(
            ambiguous.summary
                == GateSummary(tenant: "acme", requestClass: "client", decision: "reject", reason: "ambiguous_target")
        )
        #expect(
            ambiguous.responseBody == "Bad Request: ambiguous request target: more readings than the gateway checks\n"
        )
    }
}
