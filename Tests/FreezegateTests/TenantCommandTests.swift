import Foundation
import TestSupport
import Testing

/// `freezegate tenant …` run as a subprocess against a migrated database; every instant is given with
/// `--at`, so the rules are judged at fixed dates.
@Suite("freezegate tenant", .timeLimit(.minutes(4)))
struct TenantCommandTests {
    private static let statusKeys: Set<String> = [
        "tenant", "state", "frozen_from", "frozen_until", "paid_until", "delete_after",
    ]
    private static let newYear = "2027-01-01T00:00:00Z"

    private func database() async throws -> String {
        try await TestPostgres.shared.makeMigratedDatabase(prefix: "cli")
    }

    private func create(_ tenant: String, paidUntil: String, url: String) async throws {
        let outcome = try await FreezegateCLI.tenant(
            [
                "create", tenant, "--owner-email", "director@\(tenant).example", "--paid-until", paidUntil, "--at",
                Self.newYear,
            ],
            url: url
        )
        #expect(outcome.status == 0, "\(outcome)")
    }

    @Test func createPrintsTheTenantForPeopleAndJSONForScripts() async throws {
        let url = try await database()
        let created = try await FreezegateCLI.tenant(
            [
                "create", "acme", "--owner-email", "director@acme.example", "--paid-until", "2027-09-01Z", "--at",
                Self.newYear,
            ],
            url: url
        )
        #expect(created.status == 0, "\(created)")
        #expect(created.stdout.contains("created tenant acme"))
        #expect(created.stdout.contains("state         active"))
        #expect(created.stdout.contains("paid until    2027-09-01T00:00:00Z"))
        #expect(created.stdout.contains("owner e-mail  director@acme.example"))

        let status = try await FreezegateCLI.tenant(["status", "acme", "--json", "--at", Self.newYear], url: url)
        #expect(status.status == 0, "\(status)")
        let object = try #require(try FreezegateCLI.json(status) as? [String: Any])
        let tenant = try #require(object["tenant"] as? [String: Any])
        #expect(object["operation"] as? String == "status")
        #expect(Set(tenant.keys) == Self.statusKeys.union(["owner_email", "domains", "freezes"]))
        #expect(tenant["state"] as? String == "active")
        #expect(tenant["paid_until"] as? String == "2027-09-01T00:00:00Z")
        #expect(tenant["frozen_from"] is NSNull)
        #expect((tenant["freezes"] as? [Any])?.isEmpty == true)
    }

    @Test func listFiltersByStateAndFindsTenantsDueForDeletion() async throws {
        let url = try await database()
        try await create("acme", paidUntil: "2027-09-01Z", url: url)
        try await create("oldschool", paidUntil: "2026-06-01Z", url: url)
        try await create("lapsed", paidUntil: "2026-12-20Z", url: url)

        let table = try await FreezegateCLI.tenant(["list", "--at", Self.newYear], url: url)
        #expect(table.status == 0, "\(table)")
        let lines = table.stdout.split(separator: "\n")
        #expect(lines.first?.hasPrefix("TENANT     STATE    FROZEN FROM") == true)
        #expect(lines.count == 4)
        #expect(lines[1].hasPrefix("acme       active   -"))

        let expired = try await FreezegateCLI.tenant(
            ["list", "--state", "expired", "--json", "--at", Self.newYear],
            url: url
        )
        let rows = try #require(try FreezegateCLI.json(expired) as? [[String: Any]])
        #expect(rows.map { $0["tenant"] as? String } == ["lapsed", "oldschool"])
        #expect(rows.allSatisfy { Set($0.keys) == Self.statusKeys })
        #expect(rows[1]["delete_after"] as? String == "2026-07-01T00:00:00Z")

        // lapsed: delete_after = 2027-01-19, not yet due on New Year's Day.
        let due = try await FreezegateCLI.tenant(
            ["list", "--due-for-deletion", "--json", "--at", Self.newYear],
            url: url
        )
        let dueRows = try #require(try FreezegateCLI.json(due) as? [[String: Any]])
        #expect(dueRows.map { $0["tenant"] as? String } == ["oldschool"])

        let empty = try await FreezegateCLI.tenant(
            ["list", "--state", "frozen", "--json", "--at", Self.newYear],
            url: url
        )
        #expect(empty.stdout == "[]\n")
        let badState = try await FreezegateCLI.tenant(["list", "--state", "sleeping"], url: url)
        #expect(badState.status == 64)
    }

    @Test func aRuleViolationNamesTheRuleAndExitsTwo() async throws {
        let url = try await database()
        try await create("acme", paidUntil: "2027-09-01Z", url: url)
        let tooShort = try await FreezegateCLI.tenant(
            [
                "freeze", "acme", "--from", "2027-06-01Z", "--until", "2027-06-20Z",
                "--requested-by", "director@acme.example", "--at", Self.newYear,
            ],
            url: url
        )
        #expect(tooShort.status == 2, "\(tooShort)")
        #expect(tooShort.stderr.hasPrefix("error: rule 2: a freeze must last at least 30 days"))
        #expect(tooShort.stderr.contains("(SQLSTATE FG002)"))
        #expect(tooShort.stdout.isEmpty)

        let notOwner = try await FreezegateCLI.tenant(
            [
                "freeze", "acme", "--from", "2027-06-01Z", "--until", "2027-07-15Z",
                "--requested-by", "teacher@acme.example", "--at", Self.newYear, "--json",
            ],
            url: url
        )
        #expect(notOwner.status == 2)
        #expect(notOwner.stderr.contains("rule 1"))
        let error = try #require((try FreezegateCLI.json(notOwner) as? [String: Any])?["error"] as? [String: Any])
        #expect(error["sqlstate"] as? String == "FG001")
        #expect(error["exit_code"] as? Int == 2)
        #expect((error["message"] as? String)?.hasPrefix("rule 1") == true)

        // Nothing changed.
        let status = try await FreezegateCLI.tenant(["status", "acme", "--json", "--at", Self.newYear], url: url)
        let tenant = (try FreezegateCLI.json(status) as? [String: Any])?["tenant"] as? [String: Any]
        #expect((tenant?["freezes"] as? [Any])?.isEmpty == true)
    }

    @Test func freezeCancelUnfreezeAndForceThroughTheSQLFunctions() async throws {
        let url = try await database()
        try await create("school", paidUntil: "2027-09-01Z", url: url)
        let frozen = try await FreezegateCLI.tenant(
            [
                "freeze", "school", "--from", "2027-06-01Z", "--until", "2027-08-30Z",
                "--requested-by", "Director@School.example", "--at", Self.newYear, "--json",
            ],
            url: url
        )
        #expect(frozen.status == 0, "\(frozen)")
        let report = try #require(try FreezegateCLI.json(frozen) as? [String: Any])
        let freezeID = try #require(report["freeze_id"] as? Int)
        #expect(report["operation"] as? String == "request_freeze")
        // The 90 frozen days inside the paid period move paid_until later by 90 days.
        #expect((report["tenant"] as? [String: Any])?["paid_until"] as? String == "2027-11-30T00:00:00Z")

        let during = try await FreezegateCLI.tenant(["status", "school", "--at", "2027-07-01Z"], url: url)
        #expect(during.stdout.contains("state         frozen"))
        #expect(during.stdout.contains("frozen until  2027-08-30T00:00:00Z"))
        #expect(during.stdout.contains("director@school.example") || during.stdout.contains("Director@School.example"))

        let cancelled = try await FreezegateCLI.tenant(["cancel", String(freezeID), "--at", Self.newYear], url: url)
        #expect(cancelled.status == 0, "\(cancelled)")
        #expect(cancelled.stdout.contains("cancelled freeze \(freezeID) of school"))
        #expect(cancelled.stdout.contains("paid until    2027-09-01T00:00:00Z"))
        let again = try await FreezegateCLI.tenant(["cancel", String(freezeID), "--at", Self.newYear], url: url)
        #expect(again.status == 2)
        #expect(again.stderr.contains("FG012"))

        let forced = try await FreezegateCLI.tenant(
            [
                "freeze", "school", "--force", "--reason", "ticket 4711: flood", "--from", "2027-02-01Z",
                "--until", "2027-02-10Z", "--at", Self.newYear,
            ],
            url: url
        )
        #expect(forced.status == 0, "\(forced)")
        #expect(forced.stdout.contains("force-froze school from 2027-02-01T00:00:00Z until 2027-02-10T00:00:00Z"))
        #expect(forced.stdout.contains("reason: ticket 4711: flood"))

        let unfrozen = try await FreezegateCLI.tenant(["unfreeze", "school", "--at", "2027-02-05Z"], url: url)
        #expect(unfrozen.status == 0, "\(unfrozen)")
        #expect(unfrozen.stdout.contains("state         active"))
        let notFrozen = try await FreezegateCLI.tenant(["unfreeze", "school", "--at", "2027-02-06Z"], url: url)
        #expect(notFrozen.status == 2)
        #expect(notFrozen.stderr.contains("FG013"))
    }

    @Test func aPlannedFreezeSaysInHowManyDaysItStarts() async throws {
        let url = try await database()
        try await create("acme", paidUntil: "2027-09-01Z", url: url)
        let frozen = try await FreezegateCLI.tenant(
            [
                "freeze", "acme", "--from", "2027-06-01Z", "--until", "2027-07-01Z",
                "--requested-by", "director@acme.example", "--at", Self.newYear,
            ],
            url: url
        )
        #expect(frozen.status == 0, "\(frozen)")
        let firstLine = frozen.stdout.split(separator: "\n").first.map(String.init)
        #expect(
            firstLine?.hasPrefix("froze acme from 2027-06-01T00:00:00Z until 2027-07-01T00:00:00Z (freeze ") == true,
            "\(frozen.stdout)"
        )
        #expect(firstLine?.hasSuffix("), starts in 151 days") == true, "\(frozen.stdout)")
        #expect(frozen.stdout.contains("  ID  KIND     WHEN                STARTS"))

        let running = try await FreezegateCLI.tenant(["status", "acme", "--at", "2027-06-11T12:00:00Z"], url: url)
        #expect(running.stdout.contains("running, ends in 20 days"), "\(running.stdout)")
        let ended = try await FreezegateCLI.tenant(["status", "acme", "--at", "2027-07-01Z"], url: url)
        #expect(ended.stdout.contains("request  ended "), "\(ended.stdout)")
        // Every instant printed is ISO 8601 in UTC: no "2027-06-01 00:00:00" anywhere.
        for outcome in [frozen, running, ended] {
            #expect(outcome.stdout.firstMatch(of: /\d{4}-\d{2}-\d{2} \d{2}:/) == nil)
        }
    }

    @Test func payAndAddDomain() async throws {
        let url = try await database()
        try await create("acme", paidUntil: "2027-09-01Z", url: url)
        let paid = try await FreezegateCLI.tenant(
            ["pay", "acme", "--days", "30", "--at", Self.newYear, "--json"],
            url: url
        )
        #expect(paid.status == 0, "\(paid)")
        let tenant = (try FreezegateCLI.json(paid) as? [String: Any])?["tenant"] as? [String: Any]
        #expect(tenant?["paid_until"] as? String == "2027-10-01T00:00:00Z")

        let domain = try await FreezegateCLI.tenant(["add-domain", "acme", "CRM.Acme-School.example"], url: url)
        #expect(domain.status == 0, "\(domain)")
        #expect(domain.stdout.contains("domains       crm.acme-school.example"))
        let taken = try await FreezegateCLI.tenant(["add-domain", "acme", "crm.acme-school.example"], url: url)
        #expect(taken.status == 2)
        #expect(taken.stderr.contains("FG015"))
        let badDays = try await FreezegateCLI.tenant(["pay", "acme", "--days", "0"], url: url)
        #expect(badDays.status == 2)
        #expect(badDays.stderr.contains("FG014"))
    }

    @Test func unknownTenantsAndFreezesExitThree() async throws {
        let url = try await database()
        let status = try await FreezegateCLI.tenant(["status", "nobody"], url: url)
        #expect(status.status == 3, "\(status)")
        #expect(status.stderr.contains("unknown tenant 'nobody'"))
        let freeze = try await FreezegateCLI.tenant(
            ["freeze", "nobody", "--from", "2030-01-01Z", "--until", "2030-03-01Z", "--requested-by", "a@b.example"],
            url: url
        )
        #expect(freeze.status == 3)
        #expect(freeze.stderr.contains("FG010"))
        #expect(freeze.stderr.contains("hint: "))
        let cancel = try await FreezegateCLI.tenant(["cancel", "999999"], url: url)
        #expect(cancel.status == 3)
        #expect(cancel.stderr.contains("FG011"))
    }

    @Test func anUnreachableDatabaseExitsFourWithoutHanging() async throws {
        let outcome = try await FreezegateCLI.run(
            ["tenant", "list", "--database-url", try FreezegateCLI.unreachableURL(), "--connect-timeout", "3"],
            timeLimit: 60
        )
        #expect(!outcome.timedOut)
        #expect(outcome.status == 4, "\(outcome)")
        #expect(outcome.stderr.hasPrefix("error: cannot connect to the database"))
    }

    @Test func theDatabaseComesFromDATABASE_URLWhenTheFlagIsAbsent() async throws {
        let url = try await database()
        let fromEnvironment = try await FreezegateCLI.run(
            ["tenant", "list", "--json"],
            environment: ["DATABASE_URL": url]
        )
        #expect(fromEnvironment.status == 0, "\(fromEnvironment)")
        #expect(fromEnvironment.stdout == "[]\n")
        let missing = try await FreezegateCLI.run(["tenant", "list"])
        #expect(missing.status == 64)
        #expect(missing.stderr.contains("missing --database-url"))
    }

    @Test func usageErrorsOfFreeze() async throws {
        let noRequester = try await FreezegateCLI.run(
            ["tenant", "freeze", "acme", "--from", "2030-01-01Z", "--until", "2030-03-01Z", "--database-url", "x"]
        )
        #expect(noRequester.status == 64)
        #expect(noRequester.stderr.contains("missing --requested-by"))
        let forceWithoutReason = try await FreezegateCLI.run(
            [
                "tenant", "freeze", "acme", "--force", "--from", "2030-01-01Z", "--until", "2030-03-01Z",
                "--database-url", "x",
            ]
        )
        #expect(forceWithoutReason.status == 64)
        #expect(forceWithoutReason.stderr.contains("--force needs --reason"))
    }

    @Test func anUnparsableInstantIsReportedAsOtherError() async throws {
        let url = try await database()
        let outcome = try await FreezegateCLI.tenant(["list", "--at", "next tuesday-ish"], url: url)
        #expect(outcome.status == 1, "\(outcome)")
        #expect(outcome.stderr.contains("next tuesday-ish"))
    }
}
