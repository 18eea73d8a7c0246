import Testing

/// Paid time kept across freezes, the early-unfreeze charge, force_freeze and cancel_freeze,
/// the expired state and delete_after.
@Suite("paid time, overrides and status")
struct PaidTimeTests {
    let jan1 = "2031-01-01T00:00:00Z"

    @Test("a completed freeze moves paid_until by its length")
    func completedFreeze() async throws {
        let db = try await SQLScenario.start()
        try await db.createTenant("done", owner: "o@done.example", paidUntil: "2031-12-01T00:00:00Z", at: jan1)
        try await db.requestFreeze(
            "done",
            from: "2031-06-01T00:00:00Z",
            to: instant("2031-06-01T00:00:00Z", days: 45),
            by: "o@done.example",
            at: jan1
        )
        let movedEnd = instant("2031-12-01T00:00:00Z", days: 45)
        #expect(try await db.paidUntil("done") == movedEnd)
        #expect(try await db.state("done", at: instant("2031-06-01T00:00:00Z", days: 45)) == "active")
        #expect(try await db.state("done", at: instant(movedEnd, seconds: -1)) == "active")
        #expect(try await db.state("done", at: movedEnd) == "expired")
    }

    @Test("a freeze that outlasts the paid period: the paid days left at its start resume after it")
    func freezeOutlastingThePaidPeriod() async throws {
        let db = try await SQLScenario.start()
        // paid until Aug 1; frozen Jul 1 - Sep 1: the 31 days left on Jul 1 run from Sep 1 to Oct 2
        try await db.createTenant("summer", owner: "o@summer.example", paidUntil: "2031-08-01T00:00:00Z", at: jan1)
        try await db.requestFreeze(
            "summer",
            from: "2031-07-01T00:00:00Z",
            to: "2031-09-01T00:00:00Z",
            by: "o@summer.example",
            at: jan1
        )
        #expect(try await db.paidUntil("summer") == "2031-10-02T00:00:00Z")
        #expect(try await db.state("summer", at: "2031-09-01T00:00:00Z") == "active")
        #expect(try await db.state("summer", at: "2031-10-02T00:00:00Z") == "expired")
    }

    @Test("an unfreeze before 30 days keeps nothing")
    func earlyUnfreezeBeforeThirtyDays() async throws {
        let db = try await SQLScenario.start()
        try await db.createTenant("short", owner: "o@short.example", paidUntil: "2031-12-01T00:00:00Z", at: jan1)
        try await db.requestFreeze(
            "short",
            from: "2031-06-01T00:00:00Z",
            to: "2031-08-01T00:00:00Z",
            by: "o@short.example",
            at: jan1
        )
        let unfrozen = instant("2031-06-01T00:00:00Z", days: 30, seconds: -1)
        try await db.unfreeze("short", at: unfrozen)
        #expect(try await db.paidUntil("short") == "2031-12-01T00:00:00Z")
        #expect(try await db.state("short", at: unfrozen) == "active")
        #expect(try await db.text("SELECT credited::text FROM freezegate.freezes WHERE tenant = 'short'") == "00:00:00")
    }

    @Test("an unfreeze at 30 days or later keeps the days the freeze ran")
    func earlyUnfreezeAfterThirtyDays() async throws {
        let db = try await SQLScenario.start()
        for tenant in ["thirty", "forty"] {
            try await db.createTenant(tenant, owner: "o@\(tenant).example", paidUntil: "2031-12-01T00:00:00Z", at: jan1)
            try await db.requestFreeze(
                tenant,
                from: "2031-06-01T00:00:00Z",
                to: "2031-08-01T00:00:00Z",
                by: "o@\(tenant).example",
                at: jan1
            )
        }
        try await db.unfreeze("thirty", at: instant("2031-06-01T00:00:00Z", days: 30))
        #expect(try await db.paidUntil("thirty") == instant("2031-12-01T00:00:00Z", days: 30))
        try await db.unfreeze("forty", at: instant("2031-06-01T00:00:00Z", days: 40, seconds: 43_200))
        #expect(try await db.paidUntil("forty") == instant("2031-12-01T00:00:00Z", days: 40, seconds: 43_200))
        try await db.expectFailure("FG013", "SELECT freezegate.unfreeze('forty', '2031-07-20Z')")
    }

    @Test("an unfreeze before 30 days charges rule 5's month from the freeze's start")
    func paidMonthAfterEarlyUnfreeze() async throws {
        let db = try await SQLScenario.start()
        try await db.createTenant(
            "early",
            owner: "o@early.example",
            paidUntil: "2030-12-01T00:00:00Z",
            at: "2030-01-01T00:00:00Z"
        )
        try await db.requestFreeze(
            "early",
            from: "2031-02-01T00:00:00Z",
            to: "2031-03-15T00:00:00Z",
            by: "o@early.example",
            payOneMonth: true,
            at: jan1
        )
        try await db.unfreeze("early", at: "2031-02-11T00:00:00Z")
        // The 10 frozen days are charged: the month runs from Feb 1, not from the unfreeze.
        #expect(try await db.paidFrom("early") == "2031-02-01T00:00:00Z")
        #expect(try await db.paidUntil("early") == "2031-03-03T00:00:00Z")
        #expect(try await db.state("early", at: "2031-02-11T00:00:00Z") == "active")
        #expect(try await db.state("early", at: "2031-03-03T00:00:00Z") == "expired")
    }

    @Test("an unfreeze at 30 days or later starts rule 5's month at the unfreeze")
    func paidMonthAfterUnfreezeAfterThirtyDays() async throws {
        let db = try await SQLScenario.start()
        try await db.createTenant(
            "long",
            owner: "o@long.example",
            paidUntil: "2030-12-01T00:00:00Z",
            at: "2030-01-01T00:00:00Z"
        )
        try await db.requestFreeze(
            "long",
            from: "2031-02-01T00:00:00Z",
            to: "2031-04-15T00:00:00Z",
            by: "o@long.example",
            payOneMonth: true,
            at: jan1
        )
        try await db.unfreeze("long", at: "2031-03-03T00:00:00Z")
        #expect(try await db.paidFrom("long") == "2031-03-03T00:00:00Z")
        #expect(try await db.paidUntil("long") == "2031-04-02T00:00:00Z")
    }

    @Test("force_freeze skips rules 1-5 but not rule 6")
    func forceFreeze() async throws {
        let db = try await SQLScenario.start()
        try await db.createTenant(
            "late",
            owner: "o@late.example",
            paidUntil: "2030-12-01T00:00:00Z",
            at: "2030-01-01T00:00:00Z"
        )
        try await db.createTenant("busy", owner: "o@busy.example", paidUntil: instant(jan1, days: 10), at: jan1)
        // rules 1, 2, 5: no owner, 10 days, expired without a month
        let id = try await db.forceFreeze(
            "late",
            from: "2031-01-05T00:00:00Z",
            to: "2031-01-15T00:00:00Z",
            reason: "ticket 17",
            at: jan1
        )
        #expect(
            try await db.text(
                "SELECT kind || ' ' || reason FROM freezegate.freezes WHERE id = $1::bigint",
                [String(id)]
            ) == "forced ticket 17"
        )
        #expect(try await db.state("late", at: "2031-01-05T00:00:00Z") == "frozen")
        // rule 4: 10 paid days left, starts now; rule 3: 200 days in a year
        try await db.forceFreeze("busy", from: jan1, to: instant(jan1, days: 5), reason: "support", at: jan1)
        #expect(try await db.paidUntil("busy") == instant(jan1, days: 15))
        try await db.forceFreeze(
            "busy",
            from: "2031-02-01T00:00:00Z",
            to: instant("2031-02-01T00:00:00Z", days: 200),
            reason: "support",
            at: jan1
        )
        // rule 6 holds
        try await db.expectFailure(
            "FG006",
            "SELECT freezegate.force_freeze('busy', '2031-03-01Z', '2031-03-05Z', 'support', '2031-01-01Z')"
        )
        try await db.expectFailure(
            "FG007",
            "SELECT freezegate.force_freeze('late', '2030-12-31Z', '2031-01-03Z', 'support', '2031-01-01Z')"
        )
        try await db.expectFailure(
            "FG014",
            "SELECT freezegate.force_freeze('late', '2031-05-01Z', '2031-05-05Z', '', '2031-01-01Z')"
        )
    }

    @Test("cancel_freeze frees the yearly quota and gives the paid time back")
    func cancelFreesQuota() async throws {
        let db = try await SQLScenario.start()
        try await db.createTenant("acme", owner: "o@acme.example", paidUntil: "2031-12-01T00:00:00Z", at: jan1)
        let first = try await db.requestFreeze(
            "acme",
            from: "2031-02-01T00:00:00Z",
            to: instant("2031-02-01T00:00:00Z", days: 45),
            by: "o@acme.example",
            at: jan1
        )
        let second = try await db.requestFreeze(
            "acme",
            from: "2031-06-01T00:00:00Z",
            to: instant("2031-06-01T00:00:00Z", days: 45),
            by: "o@acme.example",
            at: jan1
        )
        #expect(try await db.paidUntil("acme") == instant("2031-12-01T00:00:00Z", days: 90))
        try await db.expectFailure(
            "FG003",
            "SELECT freezegate.request_freeze('acme', '2031-09-01Z', '2031-10-01Z', 'o@acme.example', false, '2031-01-01Z')"
        )
        try await db.cancelFreeze(second, at: instant("2031-06-01T00:00:00Z", seconds: -1))
        #expect(try await db.paidUntil("acme") == instant("2031-12-01T00:00:00Z", days: 45))
        try await db.requestFreeze(
            "acme",
            from: "2031-09-01T00:00:00Z",
            to: "2031-10-01T00:00:00Z",
            by: "o@acme.example",
            at: "2031-06-01T00:00:00Z"
        )
        // started or cancelled freezes cannot be cancelled; unknown ones are unknown
        try await db.expectFailure(
            "FG012",
            "SELECT freezegate.cancel_freeze($1::bigint, '2031-02-01Z')",
            [String(first)]
        )
        try await db.expectFailure(
            "FG012",
            "SELECT freezegate.cancel_freeze($1::bigint, '2031-01-01Z')",
            [String(second)]
        )
        try await db.expectFailure("FG011", "SELECT freezegate.cancel_freeze(999999, '2031-01-01Z')")
    }

    @Test("expired tenants get delete_after = 30 days after the later of paid_until and their last freeze")
    func expiredAndDeleteAfter() async throws {
        let db = try await SQLScenario.start()
        try await db.createTenant("gone", owner: "o@gone.example", paidUntil: "2031-03-01T00:00:00Z", at: jan1)
        #expect(try await db.status("gone", at: "2031-02-28T23:59:59Z") == "active - - 2031-03-01T00:00:00Z -")
        #expect(
            try await db.status("gone", at: "2031-03-01T00:00:00Z")
                == "expired - - 2031-03-01T00:00:00Z 2031-03-31T00:00:00Z"
        )
        try await db.forceFreeze(
            "gone",
            from: "2031-04-01T00:00:00Z",
            to: "2031-05-01T00:00:00Z",
            reason: "audit",
            at: "2031-03-10T00:00:00Z"
        )
        #expect(
            try await db.status("gone", at: "2031-03-10T00:00:00Z")
                == "expired - - 2031-03-01T00:00:00Z 2031-05-31T00:00:00Z"
        )
        #expect(
            try await db.status("gone", at: "2031-04-10T00:00:00Z")
                == "frozen 2031-04-01T00:00:00Z 2031-05-01T00:00:00Z 2031-03-01T00:00:00Z -"
        )
        try await db.unfreeze("gone", at: "2031-04-11T00:00:00Z")
        #expect(
            try await db.status("gone", at: "2031-04-11T00:00:00Z")
                == "expired - - 2031-03-01T00:00:00Z 2031-05-11T00:00:00Z"
        )
    }
}
