import Postgres
import Testing

/// Freeze rules 1-6 at their edges, travelling in time through `at`.
@Suite("request_freeze rules")
struct FreezeRuleTests {
    let jan1 = "2031-01-01T00:00:00Z"

    @Test("rule 1: the owner's e-mail, compared case-insensitively")
    func ownerEmail() async throws {
        let db = try await SQLScenario.start()
        try await db.createTenant("acme", owner: "Owner@Acme.Example", paidUntil: "2031-12-31T00:00:00Z", at: jan1)
        let message = try await db.expectFailure(
            "FG001",
            "SELECT freezegate.request_freeze('acme', '2031-03-01Z', '2031-04-01Z', 'teacher@acme.example', false, '2031-01-01Z')"
        )
        #expect(message.hasPrefix("rule 1:"))
        try await db.requestFreeze(
            "acme",
            from: "2031-03-01T00:00:00Z",
            to: "2031-04-01T00:00:00Z",
            by: "OWNER@ACME.EXAMPLE",
            at: jan1
        )
        try await db.requestFreeze(
            "acme",
            from: "2031-05-01T00:00:00Z",
            to: "2031-06-01T00:00:00Z",
            by: "owner@acme.example",
            at: jan1
        )
    }

    @Test("rule 1: non-ASCII e-mails match case-insensitively in a database whose LC_CTYPE is C")
    func ownerEmailWhateverTheLocale() async throws {
        let db = try await SQLScenario.start()
        // The test cluster is initialised with --locale=C, where lower() folds ASCII letters only.
        #expect(try await db.text("SELECT current_setting('lc_ctype')") == "C")
        try await db.createTenant("arzt", owner: "Ärzte@schule.de", paidUntil: "2031-12-31T00:00:00Z", at: jan1)
        try await db.requestFreeze(
            "arzt",
            from: "2031-03-01T00:00:00Z",
            to: "2031-04-01T00:00:00Z",
            by: "ärzte@schule.de",
            at: jan1
        )
        try await db.createTenant("shkola", owner: "Директор@Школа.рф", paidUntil: "2031-12-31T00:00:00Z", at: jan1)
        try await db.requestFreeze(
            "shkola",
            from: "2031-03-01T00:00:00Z",
            to: "2031-04-01T00:00:00Z",
            by: "ДИРЕКТОР@школа.РФ",
            at: jan1
        )
        try await db.expectFailure(
            "FG001",
            "SELECT freezegate.request_freeze('arzt', '2031-06-01Z', '2031-07-01Z', 'arzte@schule.de', false, '2031-01-01Z')"
        )
    }

    @Test("rule 2: exactly 30 days pass, 30 days minus one second fail")
    func thirtyDays() async throws {
        let db = try await SQLScenario.start()
        try await db.createTenant("acme", owner: "o@acme.example", paidUntil: "2031-12-31T00:00:00Z", at: jan1)
        let start = "2031-02-01T00:00:00Z"
        try await db.requestFreeze("acme", from: start, to: instant(start, days: 30), by: "o@acme.example", at: jan1)
        let start2 = "2031-05-01T00:00:00Z"
        let message = try await db.expectFailure(
            "FG002",
            "SELECT freezegate.request_freeze('acme', $1::timestamptz, $2::timestamptz, 'o@acme.example', false, $3::timestamptz)",
            [start2, instant(start2, days: 30, seconds: -1), jan1]
        )
        #expect(message == "rule 2: a freeze must last at least 30 days; requested 29 days 23:59:59")
    }

    @Test("bad arguments get named errors: an end before the start, a payment past the latest instant")
    func badArgumentsAreNamed() async throws {
        let db = try await SQLScenario.start()
        try await db.createTenant("acme", owner: "o@acme.example", paidUntil: "2031-12-01T00:00:00Z", at: jan1)
        let before = try await db.dump()
        let reversed = try await db.expectFailure(
            "FG014",
            "SELECT freezegate.request_freeze('acme', '2031-06-01Z', '2031-05-01Z', 'o@acme.example', false, '2031-01-01Z')"
        )
        #expect(reversed == "invalid argument: ends_at 2031-05-01 00:00:00Z is before starts_at 2031-06-01 00:00:00Z")
        let huge = try await db.expectFailure(
            "FG014",
            "SELECT freezegate.record_payment('acme', 2147483647, '2031-01-01Z')"
        )
        #expect(huge.contains("9999-12-31 23:59:59Z"))
        try await db.expectFailure(
            "FG014",
            "SELECT freezegate.force_freeze('acme', '2031-06-01Z', '294276-12-31Z', 'flood', '2031-01-01Z')"
        )
        #expect(try await db.dump() == before)
    }

    @Test("a rule's hint names the freezegate tenant command that helps, then the SQL")
    func hintsNameTheCommand() async throws {
        let db = try await SQLScenario.start()
        try await db.createTenant("late", owner: "o@late.example", paidUntil: "2030-12-01T00:00:00Z", at: jan1)
        do {
            try await db.query(
                "SELECT freezegate.request_freeze('late', '2031-04-01Z', '2031-05-01Z', 'o@late.example', false, '2031-01-01Z')"
            )
            Issue.record("rule 5 did not refuse the request")
        } catch let error as PostgresError {
            #expect(error.sqlState == "FG005")
            #expect(error.message.hasPrefix("rule 5:"))
            #expect(
                error.hint
                    == "Pay one month with the freeze: freezegate tenant freeze late ... --pay-one-month (SQL: request_freeze(..., pay_one_month => true)); the month starts running when the freeze ends."
            )
        }
    }

    @Test("rule 3: exactly 90 days in a year pass, one second more fails")
    func ninetyDaysPerYear() async throws {
        let db = try await SQLScenario.start()
        for tenant in ["exact", "over"] {
            try await db.createTenant(tenant, owner: "o@\(tenant).example", paidUntil: "2035-01-01T00:00:00Z", at: jan1)
            try await db.requestFreeze(
                tenant,
                from: "2031-02-01T00:00:00Z",
                to: instant("2031-02-01T00:00:00Z", days: 30),
                by: "o@\(tenant).example",
                at: jan1
            )
            try await db.requestFreeze(
                tenant,
                from: "2031-05-01T00:00:00Z",
                to: instant("2031-05-01T00:00:00Z", days: 30),
                by: "o@\(tenant).example",
                at: jan1
            )
        }
        try await db.requestFreeze(
            "exact",
            from: "2031-09-01T00:00:00Z",
            to: instant("2031-09-01T00:00:00Z", days: 30),
            by: "o@exact.example",
            at: jan1
        )
        let message = try await db.expectFailure(
            "FG003",
            "SELECT freezegate.request_freeze('over', $1::timestamptz, $2::timestamptz, 'o@over.example', false, $3::timestamptz)",
            ["2031-09-01T00:00:00Z", instant("2031-09-01T00:00:00Z", days: 30, seconds: 1), jan1]
        )
        #expect(
            message.hasPrefix(
                "rule 3: freezes may cover at most 90 days in calendar year 2031; already 60 days, requested 30 days 00:00:01"
            )
        )
    }

    @Test("rule 3: a freeze across New Year counts its days in both years")
    func acrossNewYear() async throws {
        let db = try await SQLScenario.start()
        try await db.createTenant("ny", owner: "o@ny.example", paidUntil: "2035-01-01T00:00:00Z", at: jan1)
        try await db.requestFreeze(
            "ny",
            from: "2031-03-01T00:00:00Z",
            to: instant("2031-03-01T00:00:00Z", days: 60),
            by: "o@ny.example",
            at: jan1
        )
        // 30 days in 2031 and 30 days in 2032
        try await db.requestFreeze(
            "ny",
            from: "2031-12-02T00:00:00Z",
            to: "2032-01-31T00:00:00Z",
            by: "o@ny.example",
            at: jan1
        )
        // 2031 is full (60 + 30) ...
        try await db.expectFailure(
            "FG003",
            "SELECT freezegate.request_freeze('ny', '2031-06-01Z', '2031-07-01Z', 'o@ny.example', false, '2031-01-01Z')"
        )
        // ... and 2032 has 60 days left, not one second more
        try await db.expectFailure(
            "FG003",
            "SELECT freezegate.request_freeze('ny', $1::timestamptz, $2::timestamptz, 'o@ny.example', false, $3::timestamptz)",
            ["2032-06-01T00:00:00Z", instant("2032-06-01T00:00:00Z", days: 60, seconds: 1), jan1]
        )
        try await db.requestFreeze(
            "ny",
            from: "2032-06-01T00:00:00Z",
            to: instant("2032-06-01T00:00:00Z", days: 60),
            by: "o@ny.example",
            at: jan1
        )
    }

    @Test("rule 4: exactly 30 paid days left allow any start, fewer do not")
    func paidDaysLeft() async throws {
        let db = try await SQLScenario.start()
        let now = "2031-01-01T12:00:00Z"
        try await db.createTenant("thirty", owner: "o@thirty.example", paidUntil: instant(now, days: 30), at: now)
        try await db.requestFreeze("thirty", from: now, to: instant(now, days: 30), by: "o@thirty.example", at: now)

        let shortEnd = instant(now, days: 30, seconds: -1)
        try await db.createTenant("short", owner: "o@short.example", paidUntil: shortEnd, at: now)
        let message = try await db.expectFailure(
            "FG004",
            "SELECT freezegate.request_freeze('short', $1::timestamptz, $2::timestamptz, 'o@short.example', false, $1::timestamptz)",
            [now, instant(now, days: 30)]
        )
        #expect(message.hasPrefix("rule 4: with 29 days 23:59:59 of paid time left"))
        try await db.expectFailure(
            "FG004",
            "SELECT freezegate.request_freeze('short', $1::timestamptz, $2::timestamptz, 'o@short.example', false, $3::timestamptz)",
            [instant(shortEnd, seconds: -1), instant(now, days: 60), now]
        )
        // from the end of the subscription on, it may start
        try await db.requestFreeze("short", from: shortEnd, to: instant(now, days: 60), by: "o@short.example", at: now)
        #expect(try await db.paidUntil("short") == shortEnd)
    }

    @Test("rule 4: the days credited to a planned freeze are not paid days left")
    func plannedFreezeDaysAreNotPaidDaysLeft() async throws {
        let db = try await SQLScenario.start()
        // 40 paid days left; a 30-day freeze from Jan 16 moves paid_until from Feb 10 to Mar 12.
        try await db.createTenant("acme", owner: "o@acme.example", paidUntil: instant(jan1, days: 40), at: jan1)
        try await db.requestFreeze(
            "acme",
            from: "2031-01-16T00:00:00Z",
            to: "2031-02-15T00:00:00Z",
            by: "o@acme.example",
            at: jan1
        )
        #expect(try await db.paidUntil("acme") == "2031-03-12T00:00:00Z")
        // 14 days later 26 days are paid (1 before the freeze, 25 after it), although paid_until is 56 days away.
        let before = try await db.dump()
        let message = try await db.expectFailure(
            "FG004",
            "SELECT freezegate.request_freeze('acme', '2031-02-15Z', '2031-03-17Z', 'o@acme.example', false, '2031-01-15Z')"
        )
        #expect(message.hasPrefix("rule 4: with 26 days of paid time left"))
        #expect(try await db.dump() == before)
        try await db.requestFreeze(
            "acme",
            from: "2031-03-12T00:00:00Z",
            to: "2031-04-11T00:00:00Z",
            by: "o@acme.example",
            at: "2031-01-15T00:00:00Z"
        )
    }

    @Test("rule 4: paid_until = at is not active, so rule 5 applies")
    func paidUntilEqualsAtIsNotActive() async throws {
        let db = try await SQLScenario.start()
        try await db.createTenant("edge", owner: "o@edge.example", paidUntil: jan1, at: jan1)
        #expect(try await db.state("edge", at: jan1) == "expired")
        #expect(try await db.state("edge", at: instant(jan1, seconds: -1)) == "active")
        try await db.expectFailure(
            "FG005",
            "SELECT freezegate.request_freeze('edge', '2031-01-01Z', '2031-02-01Z', 'o@edge.example', false, '2031-01-01Z')"
        )
        try await db.createTenant("second", owner: "o@second.example", paidUntil: instant(jan1, seconds: 1), at: jan1)
        try await db.expectFailure(
            "FG004",
            "SELECT freezegate.request_freeze('second', '2031-01-01Z', '2031-02-01Z', 'o@second.example', false, '2031-01-01Z')"
        )
    }

    @Test("rule 5: without an active subscription only with one month, which starts when the freeze ends")
    func paidMonth() async throws {
        let db = try await SQLScenario.start()
        try await db.createTenant(
            "late",
            owner: "o@late.example",
            paidUntil: "2030-12-01T00:00:00Z",
            at: "2030-01-01T00:00:00Z"
        )
        let message = try await db.expectFailure(
            "FG005",
            "SELECT freezegate.request_freeze('late', '2031-02-01Z', '2031-03-15Z', 'o@late.example', false, '2031-01-01Z')"
        )
        #expect(message.hasPrefix("rule 5:"))
        let id = try await db.requestFreeze(
            "late",
            from: "2031-02-01T00:00:00Z",
            to: "2031-03-15T00:00:00Z",
            by: "o@late.example",
            payOneMonth: true,
            at: jan1
        )
        #expect(try await db.paidFrom("late") == "2031-03-15T00:00:00Z")
        #expect(try await db.paidUntil("late") == "2031-04-14T00:00:00Z")
        #expect(
            try await db.text(
                "SELECT concat_ws(' ', days, kind, freeze_id) FROM freezegate.payments WHERE tenant = 'late'"
            )
                == "30 freeze_month \(id)"
        )
        #expect(try await db.state("late", at: "2031-01-15T00:00:00Z") == "expired")
        #expect(try await db.state("late", at: "2031-02-01T00:00:00Z") == "frozen")
        #expect(try await db.state("late", at: "2031-03-15T00:00:00Z") == "active")
        #expect(try await db.state("late", at: instant("2031-04-14T00:00:00Z", seconds: -1)) == "active")
        #expect(try await db.state("late", at: "2031-04-14T00:00:00Z") == "expired")
    }

    @Test("rule 6: overlapping freezes and starts in the past are refused")
    func overlapAndPast() async throws {
        let db = try await SQLScenario.start()
        try await db.createTenant("acme", owner: "o@acme.example", paidUntil: "2033-01-01T00:00:00Z", at: jan1)
        let first = try await db.requestFreeze(
            "acme",
            from: "2031-03-01T00:00:00Z",
            to: "2031-04-01T00:00:00Z",
            by: "o@acme.example",
            at: jan1
        )
        let message = try await db.expectFailure(
            "FG006",
            "SELECT freezegate.request_freeze('acme', '2031-03-31 23:59:59Z', '2031-05-01Z', 'o@acme.example', false, '2031-01-01Z')"
        )
        #expect(message.contains("overlaps freeze \(first)"))
        try await db.expectFailure(
            "FG006",
            "SELECT freezegate.request_freeze('acme', '2031-02-01Z', '2031-05-01Z', 'o@acme.example', false, '2031-01-01Z')"
        )
        // back to back is no overlap
        try await db.requestFreeze(
            "acme",
            from: "2031-04-01T00:00:00Z",
            to: "2031-05-01T00:00:00Z",
            by: "o@acme.example",
            at: jan1
        )
        // one second in the past is refused, `at` itself is fine
        try await db.createTenant("p", owner: "o@p.example", paidUntil: "2033-01-01T00:00:00Z", at: jan1)
        try await db.expectFailure(
            "FG007",
            "SELECT freezegate.request_freeze('p', '2031-06-30 23:59:59Z', '2031-08-01Z', 'o@p.example', false, '2031-07-01Z')"
        )
        try await db.requestFreeze(
            "p",
            from: "2031-07-01T00:00:00Z",
            to: "2031-08-01T00:00:00Z",
            by: "o@p.example",
            at: "2031-07-01T00:00:00Z"
        )
        // and the exclusion constraint holds against DML by hand
        try await db.expectFailure(
            "23P01",
            "INSERT INTO freezegate.freezes (tenant, starts_at, ends_at, requested_by) VALUES ('acme', '2031-03-15Z', '2031-06-01Z', 'ops')"
        )
    }
}
