import Foundation
import TenantModel
import TestSupport
import Testing

@testable import TenantModel

@Suite struct TenantSnapshotTests {
    let paidUntil = utc("2027-01-01T00:00:00Z")

    @Test func looksUpByKeyAndDomain() {
        let snapshot = TenantSnapshot(
            records: [
                TenantRecord(key: "acme", paidUntil: self.paidUntil, domains: ["crm.acme.edu"]),
                TenantRecord(key: "beta", paidUntil: self.paidUntil),
            ],
            loadedAt: utc("2026-01-01T00:00:00Z")
        )
        #expect(snapshot.count == 2)
        #expect(snapshot.loadedAt == utc("2026-01-01T00:00:00Z"))
        #expect(snapshot.record(forKey: "acme")?.key == "acme")
        #expect(snapshot.record(forKey: "ACME")?.key == "acme")
        #expect(snapshot.record(forKey: "gamma") == nil)
        #expect(snapshot.record(forDomain: "crm.acme.edu")?.key == "acme")
        #expect(snapshot.record(forDomain: "CRM.ACME.EDU.")?.key == "acme")
        #expect(snapshot.record(forDomain: "acme.edu") == nil)
    }

    /// The SQL forbids it, but a snapshot must not depend on its table's order if it happens.
    /// Building the domain table of a full load offers its pace once per record, with or without
    /// domains, and still builds the same table.
    @Test func buildingPacesOncePerRecord() {
        var byKey: [String: TenantRecord] = [:]
        for index in 0..<40 {
            let domains = index % 4 == 0 ? ["school\(index).example"] : []
            byKey["t\(index)"] = TenantRecord(key: "t\(index)", paidUntil: self.paidUntil, domains: domains)
        }
        var paces = 0
        let snapshot = TenantSnapshot(recordsByKey: byKey, loadedAt: self.paidUntil, pacing: { paces += 1 })
        #expect(paces == 40)
        #expect(snapshot.record(forDomain: "school8.example")?.key == "t8")
        #expect(snapshot.record(forDomain: "school9.example") == nil)
    }

    @Test func aDomainClaimedByTwoTenantsGoesToTheSmallerKeyWhateverTheOrder() {
        let keys = (0..<200).map { "t\($0)" }
        for seed in 0..<5 {
            var generator = SplitMix64(seed: UInt64(seed))
            let records = keys.shuffled(using: &generator).map {
                TenantRecord(key: $0, paidUntil: self.paidUntil, domains: ["shared.edu", "own-\($0).edu"])
            }
            let snapshot = TenantSnapshot(records: records, loadedAt: utc("2026-01-01T00:00:00Z"))
            #expect(snapshot.record(forDomain: "shared.edu")?.key == "t0")
            #expect(snapshot.record(forDomain: "own-t150.edu")?.key == "t150")
        }
    }

    @Test func applyingReplacesAndDropsStaleDomains() {
        let original = TenantSnapshot(
            records: [
                TenantRecord(key: "acme", paidUntil: self.paidUntil, domains: ["old.acme.edu"]),
                TenantRecord(key: "beta", paidUntil: self.paidUntil, domains: ["beta.edu"]),
                TenantRecord(key: "gone", paidUntil: self.paidUntil, domains: ["gone.edu"]),
            ],
            loadedAt: utc("2026-01-01T00:00:00Z")
        )
        let updated = original.applying(
            upserts: [
                TenantRecord(key: "acme", paidUntil: utc("2028-01-01T00:00:00Z"), domains: ["new.acme.edu"]),
                TenantRecord(key: "fresh", paidUntil: self.paidUntil),
            ],
            removals: ["gone"],
            loadedAt: utc("2026-01-02T00:00:00Z")
        )
        #expect(updated.count == 3)
        #expect(updated.loadedAt == utc("2026-01-02T00:00:00Z"))
        #expect(updated.record(forDomain: "old.acme.edu") == nil)
        #expect(updated.record(forDomain: "new.acme.edu")?.paidUntil == utc("2028-01-01T00:00:00Z"))
        #expect(updated.record(forDomain: "gone.edu") == nil)
        #expect(updated.record(forKey: "gone") == nil)
        #expect(updated.record(forDomain: "beta.edu")?.key == "beta")
        #expect(updated.record(forKey: "fresh") != nil)
        // The original is a value: untouched.
        #expect(original.record(forDomain: "old.acme.edu")?.key == "acme")
        #expect(original.count == 3)
    }

    @Test func domainMovedBetweenTenants() {
        let original = TenantSnapshot(
            records: [TenantRecord(key: "acme", paidUntil: self.paidUntil, domains: ["school.edu"])],
            loadedAt: utc("2026-01-01T00:00:00Z")
        )
        let updated = original.applying(
            upserts: [
                TenantRecord(key: "acme", paidUntil: self.paidUntil, domains: []),
                TenantRecord(key: "beta", paidUntil: self.paidUntil, domains: ["school.edu"]),
            ],
            removals: [],
            loadedAt: utc("2026-01-02T00:00:00Z")
        )
        #expect(updated.record(forDomain: "school.edu")?.key == "beta")
    }

    @Test func idnDomainsMatchEitherSpelling() {
        let snapshot = TenantSnapshot(
            records: [TenantRecord(key: "acme", paidUntil: self.paidUntil, domains: ["школа.рф"])],
            loadedAt: utc("2026-01-01T00:00:00Z")
        )
        #expect(snapshot.record(forDomain: "ШКОЛА.РФ")?.key == "acme")
        #expect(snapshot.record(forDomain: DomainName.normalized("школа.рф"))?.key == "acme")
        #expect(DomainName.normalized("школа.рф").hasSuffix(".xn--p1ai"))
    }
}
