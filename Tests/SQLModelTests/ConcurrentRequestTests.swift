import Postgres
import Testing

/// Two sessions request overlapping freezes of one tenant at the same moment: the tenant's row
/// lock makes them take turns, so exactly one succeeds and the other is refused by rule 6.
@Suite("concurrent requests", .timeLimit(.minutes(2)))
struct ConcurrentRequestTests {
    @Test("the second of two overlapping requests waits for the first and is refused by rule 6")
    func secondRequestWaitsAndIsRefused() async throws {
        let db = try await SQLScenario.start()
        try await db.createTenant(
            "race",
            owner: "o@race.example",
            paidUntil: "2033-01-01T00:00:00Z",
            at: "2031-01-01T00:00:00Z"
        )
        let first = try await db.connect()
        let second = try await db.connect()

        // The first session requests inside an open transaction and so keeps the tenant's row locked.
        try await first.execute("BEGIN")
        try await first.query(
            "SELECT freezegate.request_freeze('race', '2031-03-01Z', '2031-04-01Z', 'o@race.example', false, '2031-01-01Z')"
        )
        let waiting = Task {
            try await second.query(
                "SELECT freezegate.request_freeze('race', '2031-03-15Z', '2031-04-15Z', 'o@race.example', false, '2031-01-01Z')"
            )
        }
        // Wait until the second session really waits for the first one's lock.
        while try await db.text(
            "SELECT wait_event_type FROM pg_stat_activity WHERE pid = $1::integer",
            [String(second.backendPID)]
        ) != "Lock" {
            try await Task.sleep(for: .milliseconds(20))
        }
        try await first.execute("COMMIT")

        let outcome = await waiting.result
        switch outcome {
        case .success:
            Issue.record("the overlapping second request succeeded")
        case .failure(let error):
            // FG006 (not the exclusion constraint's 23P01): the second request was judged after the
            // first one's freeze existed.
            #expect((error as? PostgresError)?.sqlState == "FG006", "\(error)")
        }
        #expect(try await db.text("SELECT count(*)::text FROM freezegate.freezes WHERE tenant = 'race'") == "1")
        await first.close()
        await second.close()
    }

    @Test(
        "two requests that together exceed 90 days a year: one succeeds, the other fails, at every isolation level",
        arguments: [
            ("READ COMMITTED", "FG003"), ("REPEATABLE READ", "40001"), ("SERIALIZABLE", "40001"),
        ]
    )
    func yearlyCapAtEveryIsolationLevel(level: String, expected: String) async throws {
        let db = try await SQLScenario.start()
        // Paid until Jan 20: freezes after it keep no paid time, so neither request changes paid_until.
        try await db.createTenant(
            "race",
            owner: "o@race.example",
            paidUntil: "2031-01-20T00:00:00Z",
            at: "2031-01-01T00:00:00Z"
        )
        let auditRows = try await db.text("SELECT count(*)::text FROM freezegate.audit_log")
        let first = try await db.connect()
        let second = try await db.connect()
        try await first.execute("BEGIN ISOLATION LEVEL \(level)")
        try await second.execute("BEGIN ISOLATION LEVEL \(level)")
        // The second session's snapshot is taken before the first one commits.
        try await second.query("SELECT count(*) FROM freezegate.freezes")
        try await first.query(
            "SELECT freezegate.request_freeze('race', '2031-03-01Z', '2031-04-20Z', 'o@race.example', false, '2031-01-01Z')"
        )
        let waiting = Task {
            try await second.query(
                "SELECT freezegate.request_freeze('race', '2031-06-01Z', '2031-07-21Z', 'o@race.example', false, '2031-01-01Z')"
            )
        }
        while try await db.text(
            "SELECT wait_event_type FROM pg_stat_activity WHERE pid = $1::integer",
            [String(second.backendPID)]
        ) != "Lock" {
            try await Task.sleep(for: .milliseconds(20))
        }
        try await first.execute("COMMIT")
        switch await waiting.result {
        case .success:
            Issue.record("\(level): both requests succeeded, 100 days frozen in 2031")
        case .failure(let error):
            #expect((error as? PostgresError)?.sqlState == expected, "\(level): \(error)")
        }
        try await second.execute("ROLLBACK")
        #expect(try await db.text("SELECT count(*)::text FROM freezegate.freezes WHERE tenant = 'race'") == "1")
        // The first request's freeze is the only new audit row: the lock's write changes no value.
        #expect(
            try await db.text("SELECT count(*)::text FROM freezegate.audit_log")
                == String(Int(auditRows ?? "0")! + 1)
        )
        await first.close()
        await second.close()
    }

    @Test("of ten sessions requesting the same window at once, exactly one succeeds")
    func tenAtOnce() async throws {
        let db = try await SQLScenario.start()
        try await db.createTenant(
            "race",
            owner: "o@race.example",
            paidUntil: "2033-01-01T00:00:00Z",
            at: "2031-01-01T00:00:00Z"
        )
        var sessions: [PostgresConnection] = []
        for _ in 0..<10 { sessions.append(try await db.connect()) }
        let outcomes = await withTaskGroup(of: String.self) { group in
            for session in sessions {
                group.addTask {
                    do {
                        try await session.query(
                            "SELECT freezegate.request_freeze('race', '2031-09-01Z', '2031-10-01Z', 'o@race.example', false, '2031-01-01Z')"
                        )
                        return "ok"
                    } catch {
                        return (error as? PostgresError)?.sqlState ?? "\(error)"
                    }
                }
            }
            var outcomes: [String] = []
            for await outcome in group { outcomes.append(outcome) }
            return outcomes.sorted()
        }
        #expect(outcomes == ["FG006", "FG006", "FG006", "FG006", "FG006", "FG006", "FG006", "FG006", "FG006", "ok"])
        for session in sessions { await session.close() }
    }
}
