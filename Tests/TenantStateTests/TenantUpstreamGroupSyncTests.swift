import Foundation
import Postgres
import TenantState
import Testing

/// A tenant's upstream group set in SQL reaches the live snapshot: on the first load and through
/// the change notification, like every other change.
@Suite("TenantStateSync: the tenant's upstream group", .timeLimit(.minutes(2)))
struct TenantUpstreamGroupSyncTests {
    @Test func theGroupIsLoadedAndFollowsChanges() async throws {
        let db = try await LiveStateDatabase.make()
        defer { Task { await db.close() } }
        try await db.createTenant("acme")
        try await db.createTenant("beta")
        try await db.admin.query("SELECT freezegate.set_upstream_group('beta', 's21')")
        let sync = RunningSync.start(db.configuration())
        defer { Task { await sync.stop() } }
        #expect(await eventually { sync.cache.isReady })
        #expect(sync.cache.currentSnapshot()?.record(forKey: "beta")?.upstreamGroup == "s21")
        #expect(sync.cache.currentSnapshot()?.record(forKey: "acme")?.upstreamGroup == nil)

        try await db.admin.query("SELECT freezegate.set_upstream_group('acme', 's30')")
        #expect(await eventually { sync.cache.currentSnapshot()?.record(forKey: "acme")?.upstreamGroup == "s30" })
        try await db.admin.query("SELECT freezegate.set_upstream_group('beta', NULL)")
        #expect(await eventually { sync.cache.currentSnapshot()?.record(forKey: "beta")?.upstreamGroup == nil })
    }
}
