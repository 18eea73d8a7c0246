import Foundation
import TestSupport
import Testing

/// What `freezegate tenant` prints for each freeze rule and each other refusal, run as a subprocess
/// against a migrated database: the rule, the reason and a hint in command-line terms (no SQL, no
/// function names, instants as ISO 8601 that paste back as one argument).
@Suite("freezegate tenant: rule errors", .timeLimit(.minutes(4)))
struct TenantErrorWordingProcessTests {
    private static let newYear = "2027-01-01T00:00:00Z"

    private struct Setup {
        var url: String
        var acmeFreeze: String
    }

    /// acme paid until September with a freeze in March; full with 90 frozen days in 2027; short
    /// with 19 paid days left; lapsed expired before New Year.
    private func setUp() async throws -> Setup {
        let url = try await TestPostgres.shared.makeMigratedDatabase(prefix: "cliwords")
        for (tenant, paidUntil) in [
            ("acme", "2027-09-01Z"), ("full", "2028-12-01Z"), ("short", "2027-01-20Z"), ("lapsed", "2026-12-20Z"),
        ] {
            let created = try await FreezegateCLI.tenant(
                [
                    "create", tenant, "--owner-email", "director@\(tenant).example", "--paid-until", paidUntil,
                    "--at", Self.newYear,
                ],
                url: url
            )
            #expect(created.status == 0, "\(created)")
        }
        let quota = try await freeze("full", from: "2027-02-01Z", until: "2027-05-02Z", url: url)
        #expect(quota.status == 0, "\(quota)")
        let march = try await freeze("acme", from: "2027-03-01Z", until: "2027-04-01Z", url: url, json: true)
        #expect(march.status == 0, "\(march)")
        let id = try #require((try FreezegateCLI.json(march) as? [String: Any])?["freeze_id"] as? Int)
        return Setup(url: url, acmeFreeze: String(id))
    }

    private func freeze(
        _ tenant: String,
        from: String,
        until: String,
        by requester: String? = nil,
        url: String,
        json: Bool = false
    ) async throws -> ProcessOutcome {
        try await FreezegateCLI.tenant(
            [
                "freeze", tenant, "--from", from, "--until", until, "--requested-by",
                requester ?? "director@\(tenant).example", "--at", Self.newYear,
            ] + (json ? ["--json"] : []),
            url: url
        )
    }

    /// The three lines, and nothing of SQL in them.
    private func expectLines(
        _ outcome: ProcessOutcome,
        exit: Int32,
        error: String,
        reason: String?,
        hint: String?,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(outcome.status == exit, "\(outcome)", sourceLocation: sourceLocation)
        var expected = "error: \(error)\n"
        if let reason { expected += "reason: \(reason)\n" }
        if let hint { expected += "hint: \(hint)\n" }
        #expect(outcome.stderr == expected, sourceLocation: sourceLocation)
        #expect(!outcome.stderr.contains("SQL:"), sourceLocation: sourceLocation)
        #expect(!outcome.stderr.contains("freezegate."), "a SQL function name", sourceLocation: sourceLocation)
        #expect(!outcome.stderr.contains(" 00:00:00"), "an instant with a space", sourceLocation: sourceLocation)
        #expect(outcome.stdout.isEmpty, sourceLocation: sourceLocation)
    }

    @Test func everyFreezeRuleNamesTheRuleTheReasonAndACommandLineHint() async throws {
        let setup = try await setUp()
        let url = setup.url

        expectLines(
            try await freeze("acme", from: "2027-06-01Z", until: "2027-07-15Z", by: "teacher@acme.example", url: url),
            exit: 2,
            error: "rule 1: a freeze must be requested from the main administrator's e-mail (SQLSTATE FG001)",
            reason: "'teacher@acme.example' is not the owner e-mail of tenant acme",
            hint: "The owner e-mail is shown by: freezegate tenant status acme; pass it as --requested-by."
        )
        expectLines(
            try await freeze("acme", from: "2027-06-01Z", until: "2027-06-20Z", url: url),
            exit: 2,
            error: "rule 2: a freeze must last at least 30 days (SQLSTATE FG002)",
            reason: "requested 19 days",
            hint:
                "The earliest end for this start is 2027-07-01T00:00:00Z: freezegate tenant freeze acme --from 2027-06-01T00:00:00Z --until 2027-07-01T00:00:00Z ..."
        )
        expectLines(
            try await freeze("full", from: "2027-06-01Z", until: "2027-07-01Z", url: url),
            exit: 2,
            error: "rule 3: freezes may cover at most 90 days in a calendar year (SQLSTATE FG003)",
            reason: "in 2027: already 90 days, requested 30 days in that year, total 120 days",
            hint: "At most 0 days more can be frozen in 2027; the freezes: freezegate tenant status full."
        )
        expectLines(
            try await freeze("short", from: "2027-01-05Z", until: "2027-02-10Z", url: url),
            exit: 2,
            error:
                "rule 4: with fewer than 30 paid days left, a freeze cannot start before the paid period ends (SQLSTATE FG004)",
            reason: "19 days of paid time left, paid until 2027-01-20T00:00:00Z; requested start 2027-01-05T00:00:00Z",
            hint:
                "Start the freeze at or after 2027-01-20T00:00:00Z (freezegate tenant freeze short --from 2027-01-20T00:00:00Z ...), or record a payment first: freezegate tenant pay short --days 30."
        )
        expectLines(
            try await freeze("lapsed", from: "2027-02-01Z", until: "2027-03-05Z", url: url),
            exit: 2,
            error:
                "rule 5: without an active subscription, a freeze is accepted only together with one paid month (SQLSTATE FG005)",
            reason: "tenant lapsed has no active subscription (paid until 2026-12-20T00:00:00Z)",
            hint:
                "Pay one month with the freeze: freezegate tenant freeze lapsed ... --pay-one-month; the month starts running when the freeze ends."
        )
        let id = setup.acmeFreeze
        expectLines(
            try await freeze("acme", from: "2027-03-15Z", until: "2027-04-20Z", url: url),
            exit: 2,
            error: "rule 6: freezes of one tenant never overlap (SQLSTATE FG006)",
            reason:
                "[2027-03-15T00:00:00Z, 2027-04-20T00:00:00Z) overlaps freeze \(id) [2027-03-01T00:00:00Z, 2027-04-01T00:00:00Z) of tenant acme",
            hint:
                "Cancel freeze \(id) with: freezegate tenant cancel \(id), or choose a window from 2027-04-01T00:00:00Z on."
        )
        expectLines(
            try await freeze("acme", from: "2026-12-01Z", until: "2027-01-15Z", url: url),
            exit: 2,
            error: "rule 6: a freeze cannot start in the past (SQLSTATE FG007)",
            reason: "--from 2026-12-01T00:00:00Z is 31 days before 2027-01-01T00:00:00Z",
            hint:
                "Choose a start at or after 2027-01-01T00:00:00Z: freezegate tenant freeze acme --from 2027-01-01T00:00:00Z ..."
        )
    }

    /// The hint's command works as printed: the instants in it are single arguments.
    @Test func theHintsCommandRunsAsPrinted() async throws {
        let setup = try await setUp()
        let refused = try await freeze("acme", from: "2027-06-01Z", until: "2027-06-20Z", url: setup.url)
        let hint = try #require(refused.stderr.split(separator: "\n").first { $0.hasPrefix("hint: ") })
        let command = try #require(hint.range(of: "freezegate tenant freeze "))
        let arguments = hint[command.upperBound...].split(separator: " ").map(String.init).filter { $0 != "..." }
        let accepted = try await FreezegateCLI.tenant(
            ["freeze"] + arguments + ["--requested-by", "director@acme.example", "--at", Self.newYear],
            url: setup.url
        )
        #expect(accepted.status == 0, "\(accepted)")
        #expect(accepted.stdout.contains("until 2027-07-01T00:00:00Z"))
    }

    @Test func otherRefusalsSpeakCommandLineToo() async throws {
        let setup = try await setUp()
        let url = setup.url
        expectLines(
            try await freeze("acme", from: "2027-06-20Z", until: "2027-06-01Z", url: url),
            exit: 2,
            error:
                "invalid argument: --until 2027-06-01T00:00:00Z is before --from 2027-06-20T00:00:00Z (SQLSTATE FG014)",
            reason: nil,
            hint: "Swap them: the freeze runs from --from to --until."
        )
        expectLines(
            try await FreezegateCLI.tenant(["cancel", "999999", "--at", Self.newYear], url: url),
            exit: 3,
            error: "unknown freeze 999999 (SQLSTATE FG011)",
            reason: nil,
            hint: "A tenant's freezes and their ids: freezegate tenant status TENANT."
        )
        expectLines(
            try await FreezegateCLI.tenant(["pay", "nobody", "--days", "30", "--at", Self.newYear], url: url),
            exit: 3,
            error: "unknown tenant 'nobody' (SQLSTATE FG010)",
            reason: nil,
            hint: "Tenant keys are lower-case DNS labels; list them with: freezegate tenant list."
        )
        expectLines(
            try await FreezegateCLI.tenant(["unfreeze", "acme", "--at", Self.newYear], url: url),
            exit: 2,
            error: "tenant acme has no freeze running at 2027-01-01T00:00:00Z (SQLSTATE FG013)",
            reason: nil,
            hint:
                "A freeze that has not started is cancelled with: freezegate tenant cancel FREEZE-ID, ids from: freezegate tenant status acme."
        )
        expectLines(
            try await FreezegateCLI.tenant(["cancel", setup.acmeFreeze, "--at", "2027-03-02Z"], url: url),
            exit: 2,
            error:
                "freeze \(setup.acmeFreeze) of tenant acme has already started (at 2027-03-01T00:00:00Z); only a freeze that has not started can be cancelled (SQLSTATE FG012)",
            reason: nil,
            hint: "End a running freeze with: freezegate tenant unfreeze acme."
        )
    }

    /// `--json` keeps `message`, `hint` and `sqlstate` as the database wrote them and adds the
    /// command-line wording.
    @Test func jsonKeepsTheDatabaseWordsAndAddsTheRuleReasonAndHint() async throws {
        let setup = try await setUp()
        let refused = try await freeze("acme", from: "2027-06-01Z", until: "2027-06-20Z", url: setup.url, json: true)
        #expect(refused.status == 2)
        let error = try #require((try FreezegateCLI.json(refused) as? [String: Any])?["error"] as? [String: Any])
        #expect(error["sqlstate"] as? String == "FG002")
        #expect(error["exit_code"] as? Int == 2)
        #expect((error["message"] as? String)?.hasPrefix("rule 2: a freeze must last at least 30 days") == true)
        #expect((error["hint"] as? String)?.contains("(SQL: ") == true)
        let rule = try #require(error["rule"] as? [String: Any])
        #expect(rule["number"] as? Int == 2)
        #expect(rule["statement"] as? String == "a freeze must last at least 30 days")
        #expect(error["reason"] as? String == "requested 19 days")
        #expect(
            (error["cli_hint"] as? String)?.hasPrefix("The earliest end for this start is 2027-07-01T00:00:00Z") == true
        )

        let unknown = try await FreezegateCLI.tenant(["status", "nobody", "--json"], url: setup.url)
        let notFound = try #require((try FreezegateCLI.json(unknown) as? [String: Any])?["error"] as? [String: Any])
        #expect(notFound["rule"] is NSNull)
        #expect(notFound["reason"] is NSNull)
    }
}
