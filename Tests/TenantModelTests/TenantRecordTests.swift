import Foundation
import TenantModel
import TestSupport
import Testing

@testable import TenantModel

@Suite struct TenantRecordTests {
    let freeze = FreezeWindow(id: 7, start: utc("2027-07-01T00:00:00Z"), end: utc("2027-08-01T00:00:00Z"))

    func record(
        paidFrom: Date? = nil,
        paidUntil: String = "2027-09-01T00:00:00Z",
        freezes: [FreezeWindow]? = nil
    ) -> TenantRecord {
        TenantRecord(
            key: "acme",
            paidFrom: paidFrom,
            paidUntil: utc(paidUntil),
            domains: [],
            freezes: freezes ?? [self.freeze]
        )
    }

    @Test(arguments: [
        ("2027-06-30T23:59:59Z", TenantCondition.active),
        ("2027-07-01T00:00:00Z", .frozen(from: utc("2027-07-01T00:00:00Z"), until: utc("2027-08-01T00:00:00Z"))),
        ("2027-07-31T23:59:59Z", .frozen(from: utc("2027-07-01T00:00:00Z"), until: utc("2027-08-01T00:00:00Z"))),
        ("2027-08-01T00:00:00Z", .active),
        ("2027-08-31T23:59:59Z", .active),
        ("2027-09-01T00:00:00Z", .expired),
        ("2030-01-01T00:00:00Z", .expired),
    ])
    func windowBoundariesAreHalfOpen(instant: String, expected: TenantCondition) {
        #expect(self.record().condition(at: utc(instant)) == expected)
    }

    @Test func freezeWinsOverExpiry() {
        let late = FreezeWindow(id: 1, start: utc("2027-09-10T00:00:00Z"), end: utc("2027-10-10T00:00:00Z"))
        let record = self.record(paidUntil: "2027-09-01T00:00:00Z", freezes: [late])
        #expect(record.condition(at: utc("2027-09-05T00:00:00Z")) == .expired)
        #expect(record.condition(at: utc("2027-09-10T00:00:00Z")) == .frozen(from: late.start, until: late.end))
        #expect(record.condition(at: utc("2027-10-10T00:00:00Z")) == .expired)
    }

    @Test func paidFromInTheFutureIsNotActiveYet() {
        let record = self.record(paidFrom: utc("2027-08-15T00:00:00Z"), freezes: [])
        #expect(record.condition(at: utc("2027-08-14T23:59:59Z")) == .expired)
        #expect(record.condition(at: utc("2027-08-15T00:00:00Z")) == .active)
        #expect(record.condition(at: utc("2027-09-01T00:00:00Z")) == .expired)
    }

    @Test func emptyWindowNeverFreezes() {
        let empty = FreezeWindow(id: 2, start: utc("2027-07-01T00:00:00Z"), end: utc("2027-07-01T00:00:00Z"))
        #expect(self.record(freezes: [empty]).condition(at: utc("2027-07-01T00:00:00Z")) == .active)
    }

    @Test func freezesAreSortedAndEachIsConsulted() {
        let first = FreezeWindow(id: 1, start: utc("2027-01-01T00:00:00Z"), end: utc("2027-02-01T00:00:00Z"))
        let second = FreezeWindow(id: 2, start: utc("2027-05-01T00:00:00Z"), end: utc("2027-06-01T00:00:00Z"))
        let record = self.record(freezes: [second, first])
        #expect(record.freezes.map(\.id) == [1, 2])
        #expect(record.condition(at: utc("2027-05-15T00:00:00Z")) == .frozen(from: second.start, until: second.end))
        #expect(record.condition(at: utc("2027-03-01T00:00:00Z")) == .active)
    }

    @Test func domainsAreNormalised() {
        let record = TenantRecord(
            key: "acme",
            paidUntil: utc("2027-01-01T00:00:00Z"),
            domains: ["CRM.Acme.EDU.", "münchen.de"]
        )
        #expect(record.domains == ["crm.acme.edu", "xn--mnchen-3ya.de"])
    }

    @Test func recordsAreEqualAndHashAlikeByTheirFieldsNotByWhereTheyAreStored() {
        func make(group: String? = "eu", zone: String? = "Europe/Moscow", deleteAfter: Date? = nil) -> TenantRecord {
            TenantRecord(
                key: "acme",
                paidFrom: utc("2027-01-01T00:00:00Z"),
                paidUntil: utc("2027-09-01T00:00:00Z"),
                domains: ["CRM.Acme-School.com."],
                freezes: [self.freeze],
                upstreamGroup: group,
                timeZone: zone,
                expiresAt: utc("2027-10-01T00:00:00Z"),
                deleteAfter: deleteAfter
            )
        }
        let record = make()
        let copy = record
        let twin = make()
        #expect(copy.isSameRecord(as: record))
        #expect(!twin.isSameRecord(as: record))
        #expect(twin == record)
        #expect(twin.hashValue == record.hashValue)
        #expect(Set([record, copy, twin]).count == 1)
        // Each field counts.
        #expect(make(group: "us") != record)
        #expect(make(zone: nil) != record)
        #expect(make(deleteAfter: utc("2028-01-01T00:00:00Z")) != record)
        #expect(self.record(freezes: []) != self.record())
        #expect(self.record(paidUntil: "2027-09-02T00:00:00Z") != self.record())
        #expect(Set([make(), make(group: "us"), make(zone: nil)]).count == 3)
        // A copy decides alike without comparing; a twin by its fields.
        #expect(copy.decidesAlike(record, from: utc("2027-01-01T00:00:00Z")))
        #expect(twin.decidesAlike(record, from: utc("2027-01-01T00:00:00Z")))
        #expect(!make(group: "us").decidesAlike(record, from: utc("2027-01-01T00:00:00Z")))
    }
}
