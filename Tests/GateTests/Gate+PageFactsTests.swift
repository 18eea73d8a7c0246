import Foundation
import TenantModel
import TestSupport
import Testing

@testable import Gate

/// `Gate.pageFacts` and the page it leads to: the tenant's zone from the snapshot, else the
/// profile's; an expired tenant's dates; the audience from the request class.
@Suite struct GatePageFactsTests {
    let now = utc("2027-07-15T12:00:00Z")

    func snapshot(zone: String?) -> TenantSnapshot {
        TenantSnapshot(
            records: [
                TenantRecord(
                    key: "acme",
                    paidUntil: utc("2027-09-01T00:00:00Z"),
                    freezes: [
                        FreezeWindow(id: 1, start: utc("2027-07-01T00:00:00Z"), end: utc("2027-08-01T00:00:00Z"))
                    ],
                    timeZone: zone
                ),
                TenantRecord(
                    key: "gamma",
                    paidUntil: utc("2027-06-30T21:00:00Z"),
                    timeZone: zone,
                    expiresAt: utc("2027-06-30T21:00:00Z"),
                    deleteAfter: utc("2027-07-30T21:00:00Z")
                ),
                TenantRecord(
                    key: "later",
                    paidFrom: utc("2027-08-01T00:00:00Z"),
                    paidUntil: utc("2027-09-01T00:00:00Z"),
                    expiresAt: utc("2027-09-01T00:00:00Z"),
                    deleteAfter: utc("2027-10-01T00:00:00Z")
                ),
            ],
            loadedAt: self.now
        )
    }

    func page(_ host: String, _ path: String, zone: String?, profile: RouteProfile = .alfaCRM) -> String {
        let gate = Gate(profile: profile, baseDomains: ["s20.online"])
        let decision = gate.decide(
            head: requestHead(.GET, path, host: host, headers: [("Accept-Language", "en")]),
            snapshot: self.snapshot(zone: zone),
            now: self.now,
            requestID: "r1"
        )
        return decision.responseBody ?? ""
    }

    @Test func profileZoneIsMoscowByDefault() {
        let text = self.page("acme.s20.online", "/company/1/users", zone: nil)
        // 2027-08-01T00:00:00Z is 03:00 in Moscow.
        #expect(text.contains("is frozen until 03:00 on 1\u{a0}August 2027."))
        #expect(text.contains("Dates are in the Europe/Moscow time zone (UTC+3)."))
    }

    @Test func tenantZoneWinsOverTheProfiles() {
        let text = self.page("acme.s20.online", "/company/1/users", zone: "UTC")
        #expect(text.contains("is frozen until 31\u{a0}July 2027 inclusive."))
        #expect(text.contains("Dates are in UTC."))
        let vladivostok = self.page("acme.s20.online", "/teacher/1", zone: "Asia/Vladivostok")
        #expect(vladivostok.contains("is frozen until 10:00 on 1\u{a0}August 2027, so the teacher's area"))
    }

    @Test func profileZoneApplies() {
        var profile = RouteProfile.alfaCRM
        profile.timeZone = TimeZone(identifier: "UTC") ?? .gmt
        let text = self.page("acme.s20.online", "/company/1/users", zone: nil, profile: profile)
        #expect(text.contains("is frozen until 31\u{a0}July 2027 inclusive."))
    }

    @Test func aZoneThisMachineDoesNotKnowFallsBackToTheProfiles() {
        let text = self.page("acme.s20.online", "/company/1/users", zone: "Mars/Olympus_Mons")
        #expect(text.contains("Europe/Moscow"))
    }

    @Test func expiredAdminGetsSinceAndRemovalTeacherOnlySince() {
        let admin = self.page("gamma.s20.online", "/company/1/users", zone: nil)
        #expect(admin.contains("was valid until 30\u{a0}June 2027 inclusive."))
        #expect(admin.contains("kept until 30\u{a0}July 2027 inclusive"))
        let teacher = self.page("gamma.s20.online", "/teacher/1", zone: nil)
        #expect(teacher.contains("was valid until 30\u{a0}June 2027 inclusive"))
        #expect(!teacher.contains("30\u{a0}July"))
    }

    @Test func aPaidPeriodNotYetStartedHasNoSince() {
        let text = self.page("later.s20.online", "/company/1/users", zone: nil)
        #expect(text.contains("The licence for <b>later</b> has expired."))
        #expect(!text.contains("September"))
    }

    @Test func audienceFollowsTheClassesLicensingLink() {
        #expect(PageAudience.of(RouteProfile.alfaCRM.requestClass(named: "admin")!) == .admin)
        #expect(PageAudience.of(RouteProfile.alfaCRM.requestClass(named: "teacher")!) == .teacher)
        #expect(PageAudience.of(RouteProfile.alfaCRM.unknownClass) == .teacher)
    }

    @Test func jsonIsUnchangedByTheZone() {
        let gate = defaultGate
        let decision = gate.decide(
            head: requestHead(.GET, "/company/1/users", headers: [("Accept", "application/json")]),
            snapshot: self.snapshot(zone: "Asia/Vladivostok"),
            now: self.now
        )
        #expect(
            decision.responseBody
                == #"{"error": "tenant_frozen", "tenant": "acme", "until": "2027-08-01T00:00:00Z", "licensing_url": "/company/1/licensing"}"#
        )
    }
}
