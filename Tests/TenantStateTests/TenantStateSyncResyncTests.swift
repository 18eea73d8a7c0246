import Foundation
import Postgres
import Synchronization
import TenantState
import Testing

/// Full resyncs beside the notifications, against a real PostgreSQL: a change committed while a full
/// load runs takes effect within a second — before the load ends — and the load does not revert it.
///
/// The resync is held open deterministically: `afterFullLoadQuery` waits on a barrier once the load's
/// query has returned (so the change below is certainly missing from the loaded rows) until the test
/// has seen the change take effect.
@Suite("TenantStateSync: changes during a full resync", .timeLimit(.minutes(3)))
struct TenantStateSyncResyncTests {
    /// The requirement: a change committed during a full resync takes effect within 1 s.
    static let changeDeadline: Duration = .seconds(1)

    @Test("periodic resync: a change committed mid-resync takes effect within 1 s and is not reverted")
    func changeDuringPeriodicResync() async throws {
        let db = try await LiveStateDatabase.make()
        defer { Task { await db.close() } }
        try await db.createTenant("acme")
        try await db.createTenant("beta")
        let hold = HeldLoads(holding: 2)
        let sync = RunningSync.start(
            db.configuration { $0.fullResyncInterval = .milliseconds(300) },
            hooks: TenantStateSyncHooks(afterFullLoadQuery: { await hold.reached() })
        )
        defer { Task { await sync.stop() } }
        #expect(await eventually { sync.cache.isReady })
        #expect(await eventually { await hold.barrier.isWaiting })
        #expect(sync.cache.statistics.isFullLoadRunning)

        try await db.freezeNow("acme")
        #expect(await eventually(timeout: Self.changeDeadline) { sync.condition(of: "acme")?.isFrozen == true })
        // Still the first snapshot's tables with the change applied: the resync has not published.
        #expect(sync.cache.statistics.fullLoads == 1)

        await hold.barrier.open()
        #expect(await eventually { sync.cache.statistics.fullLoads >= 2 })
        #expect(sync.condition(of: "acme")?.isFrozen == true)
        #expect(sync.condition(of: "beta") == .active)
        // The change came in through its notification; the resync does not count it as a correction.
        #expect(sync.cache.statistics.resyncCorrections == 0)
        // And notifications keep working after the resync.
        try await db.unfreeze("acme")
        #expect(await eventually { sync.condition(of: "acme") == .active })
    }

    @Test("resync after a reconnect at 150,000 tenants: a change committed mid-resync takes effect within 1 s")
    func changeDuringReconnectResyncAtScale() async throws {
        let tenantCount = 150_000
        let db = try await LiveStateDatabase.make()
        defer { Task { await db.close() } }
        try await db.admin.execute(
            """
            SET session_replication_role = replica;
            INSERT INTO freezegate.tenants (key, owner_email, paid_until, created_at)
            SELECT 't' || i, 'owner' || i || '@school.example', now() + interval '1 year', now()
            FROM generate_series(1, \(tenantCount)) AS i;
            INSERT INTO freezegate.domains (domain, tenant)
            SELECT 'crm.school' || i || '.example', 't' || i FROM generate_series(1, \(tenantCount), 4) AS i;
            INSERT INTO freezegate.freezes (tenant, starts_at, ends_at, requested_by, credited)
            SELECT 't' || i, now() + interval '100 days', now() + interval '130 days', 'owner@school.example',
                   interval '30 days'
            FROM generate_series(1, \(tenantCount)) AS i;
            SET session_replication_role = origin;
            """
        )
        try await db.createTenant("acme")
        let hold = HeldLoads(holding: 2)
        let sync = RunningSync.start(
            db.configuration(),
            hooks: TenantStateSyncHooks(afterFullLoadQuery: { await hold.reached() })
        )
        defer { Task { await sync.stop() } }
        #expect(await eventually(timeout: .seconds(90)) { sync.cache.isReady })
        #expect(sync.cache.currentSnapshot()?.count == tenantCount + 1)

        let terminated = try await db.admin.query(
            """
            SELECT pg_terminate_backend(pid) FROM pg_stat_activity
             WHERE datname = current_database() AND application_name = 'freezegate-listener'
            """
        )
        #expect(terminated.count == 1)
        #expect(await eventually(timeout: .seconds(90)) { await hold.barrier.isWaiting })

        try await db.freezeNow("acme")
        #expect(await eventually(timeout: Self.changeDeadline) { sync.condition(of: "acme")?.isFrozen == true })
        #expect(sync.cache.statistics.reconnects == 0)
        // The snapshot kept through the reconnect is not stamped as in sync while its resync runs.
        let servedLoadedAt = try #require(sync.cache.currentSnapshot()?.loadedAt)

        await hold.barrier.open()
        #expect(await eventually(timeout: .seconds(90)) { sync.cache.statistics.reconnects == 1 })
        let snapshot = try #require(sync.cache.currentSnapshot())
        #expect(snapshot.count == tenantCount + 1)
        #expect(snapshot.loadedAt > servedLoadedAt)
        #expect(snapshot.record(forKey: "acme")?.condition(at: Date()).isFrozen == true)
        #expect(snapshot.record(forDomain: "crm.school149997.example")?.key == "t149997")
        #expect(snapshot.record(forKey: "t150000")?.freezes.count == 1)
        try await db.freezeNow("t42")
        #expect(await eventually { sync.condition(of: "t42")?.isFrozen == true })
    }
}

/// Lets the first `holding − 1` full loads through and holds the `holding`-th one until `barrier` opens.
actor HeldLoads {
    let barrier = HookBarrier()
    private let holding: Int
    private var reachedCount = 0

    init(holding: Int) {
        self.holding = holding
    }

    func reached() async {
        self.reachedCount += 1
        if self.reachedCount == self.holding {
            await self.barrier.wait()
        }
    }
}
