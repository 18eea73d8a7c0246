import Testing

/// `snapshot_tenants(at)` and `snapshot_tenants(keys, at)`: what the gateway loads.
@Suite("snapshot queries")
struct SnapshotQueryTests {
    let jan1 = "2031-01-01T00:00:00Z"

    /// One snapshot row as "tenant paid_from paid_until {domains} {ids} {starts} {ends}".
    static let rowText = """
        concat_ws(' ', tenant,
            coalesce(to_char(paid_from AT TIME ZONE 'UTC', \(SQLScenario.isoUTC)), '-'),
            to_char(paid_until AT TIME ZONE 'UTC', \(SQLScenario.isoUTC)),
            domains::text, freeze_ids::text,
            (SELECT coalesce(array_agg(to_char(s AT TIME ZONE 'UTC', \(SQLScenario.isoUTC)) ORDER BY n), '{}')::text
               FROM unnest(freeze_starts) WITH ORDINALITY AS u(s, n)),
            (SELECT coalesce(array_agg(to_char(e AT TIME ZONE 'UTC', \(SQLScenario.isoUTC)) ORDER BY n), '{}')::text
               FROM unnest(freeze_ends) WITH ORDINALITY AS u(e, n)))
        """

    @Test("every tenant with its domains and the freezes not over yet, ordered by start")
    func fullSnapshot() async throws {
        let db = try await SQLScenario.start()
        try await db.createTenant("plain", owner: "o@plain.example", paidUntil: "2031-12-01T00:00:00Z", at: jan1)
        try await db.createTenant("busy", owner: "o@busy.example", paidUntil: "2031-12-01T00:00:00Z", at: jan1)
        try await db.query("SELECT freezegate.add_domain('busy', 'b.example.com', '2031-01-01Z')")
        try await db.query("SELECT freezegate.add_domain('busy', 'A.example.com.', '2031-01-01Z')")
        let second = try await db.requestFreeze(
            "busy",
            from: "2031-05-01T00:00:00Z",
            to: "2031-06-01T00:00:00Z",
            by: "o@busy.example",
            at: jan1
        )
        let first = try await db.requestFreeze(
            "busy",
            from: "2031-02-01T00:00:00Z",
            to: "2031-03-05T00:00:00Z",
            by: "o@busy.example",
            at: jan1
        )
        let cancelled = try await db.requestFreeze(
            "busy",
            from: "2032-08-01T00:00:00Z",
            to: "2032-09-01T00:00:00Z",
            by: "o@busy.example",
            at: jan1
        )
        try await db.cancelFreeze(cancelled, at: jan1)
        try await db.unfreeze("busy", at: "2031-03-03T00:00:00Z")
        let busyPaidUntil = try #require(try await db.paidUntil("busy"))

        let rows = try await db.query(
            "SELECT \(Self.rowText) FROM freezegate.snapshot_tenants($1::timestamptz) ORDER BY tenant",
            ["2031-02-10T00:00:00Z"]
        )
        #expect(
            try rows.map { try $0.decode(String.self, column: 0) } == [
                "busy - \(busyPaidUntil) {a.example.com,b.example.com} {\(first),\(second)} {2031-02-01T00:00:00Z,2031-05-01T00:00:00Z} {2031-03-03T00:00:00Z,2031-06-01T00:00:00Z}",
                "plain - 2031-12-01T00:00:00Z {} {} {} {}",
            ]
        )
        // a freeze whose effective end is at or before `at` is left out
        #expect(
            try await db.text(
                "SELECT freeze_ids::text FROM freezegate.snapshot_tenants($1::timestamptz) WHERE tenant = 'busy'",
                ["2031-03-03T00:00:00Z"]
            ) == "{\(second)}"
        )
    }

    @Test("the same by keys; a key without a row is a deleted tenant")
    func snapshotByKeys() async throws {
        let db = try await SQLScenario.start()
        try await db.createTenant("one", owner: "o@one.example", paidUntil: "2031-12-01T00:00:00Z", at: jan1)
        try await db.createTenant("two", owner: "o@two.example", paidUntil: "2031-12-01T00:00:00Z", at: jan1)
        try await db.requestFreeze(
            "two",
            from: "2031-02-01T00:00:00Z",
            to: "2031-03-05T00:00:00Z",
            by: "o@two.example",
            at: jan1
        )
        let all = try await db.query(
            "SELECT \(Self.rowText) FROM freezegate.snapshot_tenants($1::timestamptz) ORDER BY tenant",
            [jan1]
        )
        let byKeys = try await db.query(
            "SELECT \(Self.rowText) FROM freezegate.snapshot_tenants($1::text[], $2::timestamptz) ORDER BY tenant",
            ["{one,two,gone}", jan1]
        )
        #expect(
            try byKeys.map { try $0.decode(String.self, column: 0) }
                == all.map { try $0.decode(String.self, column: 0) }
        )
        #expect(
            try await db.query(
                "SELECT * FROM freezegate.snapshot_tenants($1::text[], $2::timestamptz)",
                ["{gone}", jan1]
            ).isEmpty
        )
    }
}
