import Testing

/// `tenant_status_at(at timestamptz DEFAULT now())`: like every public SQL function,
/// `at` may be left out, and a NULL or infinite instant is an invalid argument.
@Suite("tenant_status_at's argument")
struct StatusArgumentTests {
    @Test("without an argument it judges now; NULL and infinite instants raise FG014")
    func defaultAndInvalidInstants() async throws {
        let db = try await SQLScenario.start()
        try await db.query(
            "SELECT freezegate.create_tenant('acme', 'o@acme.example', now() + interval '40 days', now())"
        )
        #expect(try await db.text("SELECT state FROM freezegate.tenant_status_at() WHERE tenant = 'acme'") == "active")
        let message = try await db.expectFailure("FG014", "SELECT * FROM freezegate.tenant_status_at(NULL)")
        #expect(message == "invalid argument: at must be a finite timestamptz, got NULL")
        try await db.expectFailure("FG014", "SELECT * FROM freezegate.tenant_status_at('infinity')")
        try await db.expectFailure("FG014", "SELECT * FROM freezegate.tenant_status_at('-infinity')")
        #expect(try await db.text("SELECT state FROM freezegate.tenant_status WHERE tenant = 'acme'") == "active")
    }
}
