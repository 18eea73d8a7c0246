import Postgres
import Testing

/// A rejected call changes nothing; every change is audited and announced on
/// `freezegate_tenant_changed`, whether made by a function or by direct DML.
@Suite("rejected calls, audit log and notifications")
struct ChangeTrackingTests {
    let jan1 = "2031-01-01T00:00:00Z"

    @Test("a rejected call leaves every table as it was")
    func rejectedCallChangesNothing() async throws {
        let db = try await SQLScenario.start()
        try await db.createTenant("acme", owner: "o@acme.example", paidUntil: instant(jan1, days: 20), at: jan1)
        try await db.createTenant(
            "late",
            owner: "o@late.example",
            paidUntil: "2030-12-01T00:00:00Z",
            at: "2030-01-01T00:00:00Z"
        )
        try await db.query("SELECT freezegate.add_domain('acme', 'crm.acme.example', '2031-01-01Z')")
        let running = try await db.requestFreeze(
            "acme",
            from: "2031-02-01T00:00:00Z",
            to: "2031-03-15T00:00:00Z",
            by: "o@acme.example",
            at: jan1
        )
        try await db.recordPayment("acme", days: 10, at: jan1)
        let before = try await db.dump()

        let rejected: [(String, String)] = [
            (
                "FG001",
                "SELECT freezegate.request_freeze('acme', '2031-06-01Z', '2031-07-15Z', 'intruder@acme.example', false, '2031-01-01Z')"
            ),
            (
                "FG002",
                "SELECT freezegate.request_freeze('acme', '2031-06-01Z', '2031-06-15Z', 'o@acme.example', false, '2031-01-01Z')"
            ),
            (
                "FG003",
                "SELECT freezegate.request_freeze('acme', '2031-06-01Z', '2031-08-01Z', 'o@acme.example', false, '2031-01-01Z')"
            ),
            (
                "FG006",
                "SELECT freezegate.request_freeze('acme', '2031-01-20Z', '2031-02-20Z', 'o@acme.example', true, '2031-01-01Z')"
            ),
            (
                "FG005",
                "SELECT freezegate.request_freeze('late', '2031-04-01Z', '2031-05-01Z', 'o@late.example', false, '2031-01-01Z')"
            ),
            (
                "FG007",
                "SELECT freezegate.request_freeze('late', '2030-12-31Z', '2031-02-01Z', 'o@late.example', true, '2031-01-01Z')"
            ),
            ("FG012", "SELECT freezegate.cancel_freeze(\(running), '2031-02-02Z')"),
            ("FG013", "SELECT freezegate.unfreeze('acme', '2031-01-02Z')"),
            ("FG006", "SELECT freezegate.force_freeze('acme', '2031-03-01Z', '2031-04-01Z', 'x', '2031-01-01Z')"),
            ("FG014", "SELECT freezegate.record_payment('acme', 0, '2031-01-01Z')"),
            ("FG015", "SELECT freezegate.add_domain('late', 'CRM.acme.example.', '2031-01-01Z')"),
            ("FG015", "SELECT freezegate.create_tenant('acme', 'x@y.example', '2031-01-01Z', '2031-01-01Z')"),
            ("FG010", "SELECT freezegate.record_payment('nobody', 5, '2031-01-01Z')"),
            (
                "23P01",
                "INSERT INTO freezegate.freezes (tenant, starts_at, ends_at, requested_by) VALUES ('late', '2031-06-01Z', '2031-07-01Z', 'ops'), ('late', '2031-06-15Z', '2031-07-15Z', 'ops')"
            ),
        ]
        for (sqlState, sql) in rejected {
            try await db.expectFailure(sqlState, sql)
            #expect(try await db.dump() == before, "changed by: \(sql)")
        }
    }

    @Test("function calls and direct DML are audited with who, how and the rows")
    func auditRows() async throws {
        let db = try await SQLScenario.start()
        try await db.query("SET application_name = 'sql-model-tests'")
        try await db.query("SET TimeZone = 'UTC'")
        try await db.createTenant("viafn", owner: "o@viafn.example", paidUntil: "2031-12-01T00:00:00Z", at: jan1)
        try await db.requestFreeze(
            "viafn",
            from: "2031-02-01T00:00:00Z",
            to: "2031-03-15T00:00:00Z",
            by: "o@viafn.example",
            at: jan1
        )
        try await db.query(
            "INSERT INTO freezegate.tenants (key, owner_email, paid_until) VALUES ('byhand', 'o@byhand.example', '2031-12-01Z')"
        )
        try await db.query("UPDATE freezegate.tenants SET owner_email = 'new@byhand.example' WHERE key = 'byhand'")
        try await db.query("DELETE FROM freezegate.tenants WHERE key = 'byhand'")
        let rows = try await db.query(
            """
            SELECT concat_ws('|', operation, table_name, tenant, session_user_name = session_user,
                             application_name, old_row ->> 'owner_email', new_row ->> 'owner_email',
                             old_row ->> 'paid_until', new_row ->> 'paid_until')
            FROM freezegate.audit_log ORDER BY id
            """
        )
        let log = try rows.map { try $0.decode(String.self, column: 0) }
        #expect(
            log == [
                "create_tenant|tenants|viafn|t|sql-model-tests|o@viafn.example|2031-12-01T00:00:00+00:00",
                "request_freeze|freezes|viafn|t|sql-model-tests",
                "request_freeze|freezes|viafn|t|sql-model-tests",
                "request_freeze|tenants|viafn|t|sql-model-tests|o@viafn.example|o@viafn.example|2031-12-01T00:00:00+00:00|2032-01-12T00:00:00+00:00",
                "INSERT|tenants|byhand|t|sql-model-tests|o@byhand.example|2031-12-01T00:00:00+00:00",
                "UPDATE|tenants|byhand|t|sql-model-tests|o@byhand.example|new@byhand.example|2031-12-01T00:00:00+00:00|2031-12-01T00:00:00+00:00",
                "DELETE|tenants|byhand|t|sql-model-tests|new@byhand.example|2031-12-01T00:00:00+00:00",
            ]
        )
    }

    @Test("deleting or cancelling a planned freeze by hand gives back its credit like cancel_freeze")
    func directDMLOnFreezesKeepsPaidTimeConsistent() async throws {
        let db = try await SQLScenario.start()
        let jan1 = "2031-01-01T00:00:00Z"
        for tenant in ["byfunction", "bydelete", "byupdate"] {
            try await db.createTenant(tenant, owner: "o@\(tenant).example", paidUntil: "2031-12-01T00:00:00Z", at: jan1)
            try await db.requestFreeze(
                tenant,
                from: "2031-06-01T00:00:00Z",
                to: "2031-07-16T00:00:00Z",
                by: "o@\(tenant).example",
                at: jan1
            )
            #expect(try await db.paidUntil(tenant) == "2032-01-15T00:00:00Z")
        }
        try await db.query(
            "SELECT freezegate.cancel_freeze(id) FROM freezegate.freezes WHERE tenant = 'byfunction'"
        )
        try await db.query("DELETE FROM freezegate.freezes WHERE tenant = 'bydelete'")
        try await db.query("UPDATE freezegate.freezes SET cancelled_at = now() WHERE tenant = 'byupdate'")
        for tenant in ["byfunction", "bydelete", "byupdate"] {
            #expect(try await db.paidUntil(tenant) == "2031-12-01T00:00:00Z", "\(tenant)")
        }
        #expect(
            try await db.text("SELECT credited::text FROM freezegate.freezes WHERE tenant = 'byupdate'") == "00:00:00"
        )
        #expect(
            try await db.text(
                "SELECT string_agg(operation || ' ' || table_name, ', ' ORDER BY id) FROM freezegate.audit_log WHERE tenant = 'bydelete' AND operation <> 'request_freeze' AND operation <> 'create_tenant'"
            ) == "DELETE freezes, UPDATE tenants"
        )
    }
}
