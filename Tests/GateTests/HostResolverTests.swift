import NIOHTTP1
import TenantModel
import Testing

@testable import Gate

@Suite struct HostResolverTests {
    let resolver = HostResolver(baseDomains: ["s20.online"])

    /// Host header → tenant, with the fixture snapshot.
    @Test(arguments: [
        ("acme.s20.online", "acme"),
        ("ACME.S20.ONLINE", "acme"),
        ("Acme.S20.Online", "acme"),
        ("acme.s20.online.", "acme"),
        ("acme.s20.online:443", "acme"),
        ("acme.s20.online:8080", "acme"),
        ("acme.s20.online.:8080", "acme"),
        ("acme.s20.online:", "acme"),
        (" acme.s20.online ", "acme"),
        ("ａｃｍｅ.s20.online", "acme"),
        ("ac\u{00AD}me.s20.online", "acme"),
        ("crm.delta-school.edu", "delta"),
        ("CRM.Delta-School.EDU.", "delta"),
        ("crm.delta-school.edu:8443", "delta"),
        ("школа.рф", "epsilon"),
        ("ШКОЛА.РФ", "epsilon"),
        ("xn--80atdl2c.xn--p1ai", "epsilon"),
        ("XN--80ATDL2C.XN--P1AI:80", "epsilon"),
        ("beta.s20.online", "beta"),
        ("gamma.s20.online", "gamma"),
    ])
    func knownTenants(host: String, key: String) {
        let head = requestHead(.GET, "/", host: host)
        guard case .success(let resolved) = self.resolver.resolve(head) else {
            Issue.record("\(host) did not resolve")
            return
        }
        guard case .tenant(let record) = self.resolver.tenant(forHost: resolved.authority.host, in: fixtureSnapshot())
        else {
            Issue.record("\(host) is not a tenant")
            return
        }
        #expect(record.key == key)
    }

    /// Hosts that name no tenant: forwarded untouched.
    @Test(arguments: [
        "s20.online",
        "nobody.s20.online",
        "www.s20.online",
        "a.acme.s20.online",
        "acme.beta.s20.online",
        "acme.s20.online.evil.com",
        "acmes20.online",
        "acme-s20.online",
        "example.com",
        "127.0.0.1",
        "127.0.0.1:8080",
        "[::1]",
        "[::1]:8080",
        "localhost",
        "delta-school.edu",
        "under_score.s20.online",
    ])
    func hostsThatAreNotTenants(host: String) {
        let head = requestHead(.GET, "/", host: host)
        guard case .success(let resolved) = self.resolver.resolve(head) else {
            Issue.record("\(host) did not resolve")
            return
        }
        #expect(self.resolver.tenant(forHost: resolved.authority.host, in: fixtureSnapshot()) == .none)
    }

    /// Without a snapshot a tenant-shaped host may be a tenant; other hosts still are not.
    @Test func withoutSnapshot() {
        #expect(self.resolver.tenant(forHost: "acme.s20.online", in: nil) == .unverifiedTenant(key: "acme"))
        #expect(self.resolver.tenant(forHost: "a.b.s20.online", in: nil) == .none)
        #expect(self.resolver.tenant(forHost: "crm.delta-school.edu", in: nil) == .none)
    }

    @Test(arguments: [
        "",
        " ",
        "user@acme.s20.online",
        "user:pass@acme.s20.online",
        "acme .s20.online",
        "acme.s20.online extra",
        "acme..s20.online",
        ".acme.s20.online",
        "acme.s20.online..",
        ".",
        "acme.s20.online:abc",
        "acme.s20.online:99999",
        "acme.s20.online:123456",
        "acme.s20.online:-1",
        "acme.s20.online:80:80",
        "acme.s20.online/company",
        "acme.s20.online\\x",
        "acme.s20.online?x",
        "acme.s20.online#x",
        "acme%2es20.online",
        "acme.s20.online,evil.com",
        "acme.s20.online;x",
        "ac\u{0000}me.s20.online",
        "ac\tme.s20.online",
        "acme!.s20.online",
        "acme\".s20.online",
        "[::1",
        "[zz::1]",
        "[::1]x",
        "[]",
        String(repeating: "a", count: 64) + ".s20.online",
        String(repeating: "abcdefghi.", count: 26) + "online",
    ])
    func unparsableHostsAreRejected(host: String) {
        let head = requestHead(.GET, "/company/1", host: host)
        #expect(self.resolver.resolve(head).rejection == .invalidHost, "\(host)")
    }

    @Test func missingAndRepeatedHost() {
        #expect(self.resolver.resolve(requestHead(.GET, "/", host: nil)).rejection == .missingHost)
        let twice = requestHead(.GET, "/", headers: [("Host", "beta.s20.online")])
        #expect(self.resolver.resolve(twice).rejection == .multipleHosts)
        let sameTwice = requestHead(.GET, "/", headers: [("host", "acme.s20.online")])
        #expect(self.resolver.resolve(sameTwice).rejection == .multipleHosts)
    }

    @Test(arguments: [
        ("http://acme.s20.online/company/1", "acme.s20.online", "/company/1", "acme"),
        ("HTTP://ACME.s20.online/company/1?x=1", "ACME.s20.online", "/company/1?x=1", "acme"),
        ("https://acme.s20.online:8443/customer", "acme.s20.online:8443", "/customer", "acme"),
        ("http://acme.s20.online", "acme.s20.online", "/", "acme"),
        ("http://acme.s20.online?x=1", "acme.s20.online", "/?x=1", "acme"),
        ("http://crm.delta-school.edu/company", "crm.delta-school.edu", "/company", "delta"),
    ])
    func absoluteFormUsesTheTargetsAuthority(uri: String, host: String, origin: String, key: String) {
        // The Host header names another tenant: the target wins (RFC 9112 §3.2.2).
        let head = requestHead(.GET, uri, host: "beta.s20.online")
        guard case .success(let resolved) = self.resolver.resolve(head) else {
            Issue.record("\(uri) did not resolve")
            return
        }
        #expect(resolved.originTarget == origin)
        #expect(resolved.forwardHead.uri == origin)
        #expect(resolved.forwardHead.fields.values(of: "host") == [host])
        guard case .tenant(let record) = self.resolver.tenant(forHost: resolved.authority.host, in: fixtureSnapshot())
        else {
            Issue.record("\(uri) is not a tenant")
            return
        }
        #expect(record.key == key)
    }

    @Test(arguments: [
        ("http://user@acme.s20.online/company", HostRejection.invalidHost),
        ("http:///company", .unsupportedTarget),
        ("ftp://acme.s20.online/company", .unsupportedTarget),
        ("acme.s20.online/company", .unsupportedTarget),
        ("company/1", .unsupportedTarget),
        ("*", .unsupportedTarget),
        ("http://acme..s20.online/", .invalidHost),
        ("http://acme.s20.online:99999/", .invalidHost),
        ("http://acme.s20.online\\company/1", .unsupportedTarget),
        ("http://acme.s20.online@evil.example/company", .invalidHost),
    ])
    func badTargets(uri: String, rejection: HostRejection) {
        #expect(self.resolver.resolve(requestHead(.GET, uri)).rejection == rejection, "\(uri)")
    }

    @Test func connectAndAsterisk() {
        #expect(self.resolver.resolve(requestHead(.CONNECT, "acme.s20.online:443")).rejection == .unsupportedTarget)
        guard case .success(let resolved) = self.resolver.resolve(requestHead(.OPTIONS, "*")) else {
            Issue.record("OPTIONS * did not resolve")
            return
        }
        #expect(resolved.originTarget == "*")
    }

    @Test func nestedBaseDomainsPreferTheLongest() {
        let nested = HostResolver(baseDomains: ["s20.online", "eu.s20.online"])
        let snapshot = TenantSnapshot(records: [TenantRecord(key: "acme", paidUntil: fixtureNow)], loadedAt: fixtureNow)
        #expect(nested.baseDomains == ["eu.s20.online", "s20.online"])
        guard case .tenant(let record) = nested.tenant(forHost: "acme.eu.s20.online", in: snapshot) else {
            Issue.record("acme.eu.s20.online is not a tenant")
            return
        }
        #expect(record.key == "acme")
        #expect(nested.tenant(forHost: "eu.s20.online", in: snapshot) == .none)
    }

    /// The base domain is matched on bytes; the tenant found is the one a character-by-character
    /// match finds (the rule before), for plain hosts and for hosts whose characters are not bytes.
    @Test func matchingOnBytesFindsWhatMatchingOnCharactersFound() {
        let resolver = HostResolver(baseDomains: ["s20.online", "eu.s20.online"])
        let keys = ["acme", "a-1", "eu", "x"]
        let snapshot = TenantSnapshot(
            records: keys.map { TenantRecord(key: $0, paidUntil: fixtureNow) },
            loadedAt: fixtureNow
        )
        func byCharacters(_ host: String) -> TenantHostMatch {
            for base in resolver.baseDomains where host.count > base.count + 1 && host.hasSuffix("." + base) {
                let label = host.dropLast(base.count + 1)
                guard HostResolver.isTenantKey(label) else { return .none }
                return snapshot.record(forKey: String(label)).map { .tenant($0) } ?? .none
            }
            return .none
        }
        let hosts = [
            "acme.s20.online", "a-1.eu.s20.online", "eu.s20.online", "x.eu.s20.online", "acme.eu.s20.online",
            ".s20.online", "s20.online", "aacme.s20.online", "acme.s20.onlinex", "acmes20.online", "a.b.s20.online",
            "\u{E9}.s20.online", "acme\u{301}.s20.online", "\u{600}.s20.online", "x\u{600}.eu.s20.online",
            "acme.s20.online\u{301}", "acme.\u{301}s20.online", "\u{1F600}.s20.online", "unknown.s20.online",
        ]
        for host in hosts {
            #expect(resolver.tenant(forHost: host, in: snapshot) == byCharacters(host), "\(host)")
        }
    }

    @Test func tenantKeys() {
        #expect(HostResolver.isTenantKey("acme"))
        #expect(HostResolver.isTenantKey("a-1"))
        #expect(!HostResolver.isTenantKey(""))
        #expect(!HostResolver.isTenantKey("a.b"))
        #expect(!HostResolver.isTenantKey("a_b"))
        #expect(!HostResolver.isTenantKey(Substring(String(repeating: "a", count: 64))))
    }
}

extension Result where Failure == HostRejection {
    var rejection: HostRejection? {
        if case .failure(let rejection) = self { return rejection }
        return nil
    }
}
