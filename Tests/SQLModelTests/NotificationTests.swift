import Postgres
import Testing

/// Every change is announced on `freezegate_tenant_changed` with the tenant key, received through
/// the `Postgres` module's listener — for function calls and for direct DML alike.
@Suite("change notifications", .timeLimit(.minutes(2)))
struct NotificationTests {
    @Test("function calls and direct DML notify freezegate_tenant_changed; rejected calls do not")
    func notifications() async throws {
        let db = try await SQLScenario.start()
        let listener = try await PostgresListener.start(
            PostgresConfiguration(connectionString: db.url),
            channels: ["freezegate_tenant_changed"]
        )
        defer { listener.stop() }

        try await db.createTenant(
            "viafn",
            owner: "o@viafn.example",
            paidUntil: "2031-12-01T00:00:00Z",
            at: "2031-01-01T00:00:00Z"
        )
        try await db.query(
            "INSERT INTO freezegate.tenants (key, owner_email, paid_until) VALUES ('byhand', 'o@byhand.example', '2031-12-01Z')"
        )
        try await db.requestFreeze(
            "viafn",
            from: "2031-02-01T00:00:00Z",
            to: "2031-03-15T00:00:00Z",
            by: "o@viafn.example",
            at: "2031-01-01T00:00:00Z"
        )
        try await db.expectFailure(
            "FG001",
            "SELECT freezegate.request_freeze('viafn', '2031-06-01Z', '2031-07-01Z', 'x@y.example', false, '2031-01-01Z')"
        )
        try await db.query("INSERT INTO freezegate.domains (domain, tenant) VALUES ('crm.byhand.example', 'byhand')")
        try await db.query("SELECT freezegate.unfreeze('viafn', '2031-02-10Z')")
        try await db.query("DELETE FROM freezegate.tenants WHERE key = 'byhand'")

        // One notification per committed transaction and tenant (PostgreSQL folds duplicates), in
        // commit order; the rejected request sent nothing.
        var received: [String] = []
        var iterator = listener.notifications.makeAsyncIterator()
        while received.count < 6, let notification = try await iterator.next() {
            #expect(notification.channel == "freezegate_tenant_changed")
            #expect(notification.senderPID == db.connection.backendPID)
            received.append(notification.payload)
        }
        #expect(received == ["viafn", "byhand", "viafn", "byhand", "viafn", "byhand"])
    }

    @Test("renaming a tenant announces the old and the new key")
    func renameAnnouncesBothKeys() async throws {
        let db = try await SQLScenario.start()
        try await db.createTenant(
            "old",
            owner: "o@old.example",
            paidUntil: "2031-12-01T00:00:00Z",
            at: "2031-01-01T00:00:00Z"
        )
        let listener = try await PostgresListener.start(
            PostgresConfiguration(connectionString: db.url),
            channels: ["freezegate_tenant_changed"]
        )
        defer { listener.stop() }
        try await db.query("UPDATE freezegate.tenants SET key = 'new' WHERE key = 'old'")
        var iterator = listener.notifications.makeAsyncIterator()
        let first = try await iterator.next()
        let second = try await iterator.next()
        #expect(Set([first?.payload, second?.payload]) == ["old", "new"])
    }
}
