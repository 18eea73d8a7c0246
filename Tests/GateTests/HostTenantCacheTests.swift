import Foundation
import TenantModel
import TestSupport
import Testing

@testable import Gate

/// Tenants by host, kept for one snapshot content and one set of base domains.
@Suite struct HostTenantCacheTests {
    static let resolver = HostResolver(baseDomains: ["s20.online"])

    @Test func aHostGetsWhatTheResolverFindsAndOnlyTenantsAreKept() {
        let cache = HostTenantCache()
        let snapshot = fixtureSnapshot()
        for host in ["acme.s20.online", "crm.delta-school.edu", "nobody.s20.online", "example.com", "acme.s20.online"] {
            #expect(
                cache.tenant(forHost: host, in: snapshot, resolver: Self.resolver)
                    == Self.resolver.tenant(forHost: host, in: snapshot),
                "\(host)"
            )
        }
        #expect(cache.count == 2, "acme and the custom domain; hosts that name no tenant are not kept")
    }

    /// The stale answer a cache could give: a school unfrozen (a change, a new snapshot) must be
    /// decided with its new record at once.
    @Test func aChangedSnapshotIsNeverAnsweredFromTheOldOne() {
        let cache = HostTenantCache()
        let gate = defaultGate
        let admin = requestHead(.GET, "/company/1/users", host: "acme.s20.online")
        let frozen = fixtureSnapshot()
        #expect(
            gate.decide(head: admin, snapshot: frozen, now: fixtureNow, hostCache: cache).summary.decision == "block"
        )
        let unfrozen = frozen.applying(
            upserts: [TenantRecord(key: "acme", paidUntil: utc("2027-09-01T00:00:00Z"))],
            removals: [],
            loadedAt: fixtureNow
        )
        #expect(unfrozen.contentID != frozen.contentID)
        #expect(gate.decide(head: admin, snapshot: unfrozen, now: fixtureNow, hostCache: cache).isForward)
        // Removed altogether: no longer a tenant, forwarded untouched as an unknown host.
        let removed = unfrozen.applying(upserts: [], removals: ["acme"], loadedAt: fixtureNow)
        #expect(cache.tenant(forHost: "acme.s20.online", in: removed, resolver: Self.resolver) == .none)
    }

    @Test func aRestampedSnapshotKeepsTheEntriesAndOtherBaseDomainsStartOver() {
        let cache = HostTenantCache()
        let snapshot = fixtureSnapshot()
        _ = cache.tenant(forHost: "acme.s20.online", in: snapshot, resolver: Self.resolver)
        let restamped = snapshot.stamped(loadedAt: fixtureNow.addingTimeInterval(60))
        _ = cache.tenant(forHost: "beta.s20.online", in: restamped, resolver: Self.resolver)
        #expect(cache.count == 2, "the same tenants: nothing to forget")
        let other = HostResolver(baseDomains: ["alfacrm.pro"])
        #expect(cache.tenant(forHost: "acme.s20.online", in: restamped, resolver: other) == .none)
        #expect(cache.count == 0)
    }

    @Test func aFullCacheStartsOver() {
        let cache = HostTenantCache(capacity: 2)
        let snapshot = fixtureSnapshot()
        for host in ["acme.s20.online", "beta.s20.online", "gamma.s20.online"] {
            _ = cache.tenant(forHost: host, in: snapshot, resolver: Self.resolver)
            #expect(cache.count <= 2)
        }
        #expect(cache.count == 1)
    }
}
