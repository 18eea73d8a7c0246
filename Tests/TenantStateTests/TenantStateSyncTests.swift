import Foundation
import Postgres
import Synchronization
import TenantModel
import TenantState
import TestSupport
import Testing

/// The live state against a real PostgreSQL (the shared test cluster, a fresh database per test).
@Suite("TenantStateSync: load, notifications, reconnects", .timeLimit(.minutes(2)))
struct TenantStateSyncTests {
    @Test("start: not ready before the load, then ready with every tenant, domain and freeze")
    func startsReadyWithTenantsLoaded() async throws {
        let db = try await LiveStateDatabase.make()
        defer { Task { await db.close() } }
        try await db.createTenant("acme", paidUntil: utc("2040-01-01T00:00:00Z"))
        try await db.createTenant("beta", paidUntil: utc("2040-01-01T00:00:00Z"))
        try await db.admin.query("SELECT freezegate.add_domain('acme', 'CRM.Acme-School.example')")
        let freezeID = try await db.forceFreeze(
            "beta",
            from: utc("2039-06-01T00:00:00Z"),
            to: utc("2039-07-15T00:00:00Z")
        )

        let barrier = HookBarrier()
        let sync = RunningSync.start(
            db.configuration(),
            hooks: TenantStateSyncHooks(afterListening: { await barrier.wait() })
        )
        defer { Task { await sync.stop() } }
        #expect(await eventually { await barrier.isWaiting })
        #expect(!sync.cache.isReady)
        #expect(sync.cache.currentSnapshot() == nil)
        #expect(sync.cache.snapshotAge(now: Date()) == nil)
        await barrier.open()

        #expect(await eventually { sync.cache.isReady })
        let snapshot = try #require(sync.cache.currentSnapshot())
        #expect(snapshot.count == 2)
        #expect(snapshot.record(forDomain: "crm.acme-school.example")?.key == "acme")
        let beta = try #require(snapshot.record(forKey: "beta"))
        #expect(beta.paidFrom == nil)
        #expect(
            beta.freezes == [
                FreezeWindow(id: freezeID, start: utc("2039-06-01T00:00:00Z"), end: utc("2039-07-15T00:00:00Z"))
            ]
        )
        #expect(
            beta.condition(at: utc("2039-06-10T00:00:00Z"))
                == .frozen(from: beta.freezes[0].start, until: beta.freezes[0].end)
        )
        #expect(sync.cache.statistics.fullLoads == 1)
        #expect(sync.cache.statistics.tenantCount == 2)
        #expect(sync.cache.statistics.isConnected)
    }

    @Test("a committed freeze, unfreeze, new domain, new tenant and deletion are applied")
    func committedChangesAreApplied() async throws {
        let db = try await LiveStateDatabase.make()
        defer { Task { await db.close() } }
        try await db.createTenant("acme")
        try await db.createTenant("doomed")
        let sync = RunningSync.start(db.configuration())
        defer { Task { await sync.stop() } }
        #expect(await eventually { sync.cache.isReady })
        #expect(sync.condition(of: "acme") == .active)

        try await db.freezeNow("acme")
        #expect(await eventually { sync.condition(of: "acme")?.isFrozen == true })
        try await db.unfreeze("acme")
        #expect(await eventually { sync.condition(of: "acme") == .active })

        try await db.admin.query("SELECT freezegate.add_domain('acme', 'crm.acme.example')")
        #expect(await eventually { sync.cache.currentSnapshot()?.record(forDomain: "crm.acme.example")?.key == "acme" })
        try await db.createTenant("newcomer")
        #expect(await eventually { sync.cache.currentSnapshot()?.record(forKey: "newcomer") != nil })
        try await db.admin.query("DELETE FROM freezegate.tenants WHERE key = 'doomed'")
        #expect(await eventually { sync.cache.currentSnapshot()?.record(forKey: "doomed") == nil })

        let statistics = sync.cache.statistics
        #expect(statistics.fullLoads == 1)
        #expect(statistics.incrementalReloads >= 5)
        #expect(statistics.notificationsReceived >= 5)
    }

    @Test("a change committed after the full load's query, before its snapshot is published, is not lost")
    func changeDuringInitialLoadIsNotLost() async throws {
        let db = try await LiveStateDatabase.make()
        defer { Task { await db.close() } }
        try await db.createTenant("acme")
        let committed = Mutex(false)
        let url = db.connectionString
        let hooks = TenantStateSyncHooks(afterFullLoadQuery: {
            guard
                committed.withLock({ done in
                    defer { done = true }
                    return !done
                })
            else { return }
            // Committed by another session while the loaded rows are still unpublished: only the
            // notification (LISTEN came first) can bring it in.
            guard let other = try? await PostgresConnection.connect(url) else { return }
            _ = try? await other.query(
                "SELECT freezegate.force_freeze('acme', now(), now() + interval '30 days', 'during load')"
            )
            await other.close()
        })
        let sync = RunningSync.start(db.configuration(), hooks: hooks)
        defer { Task { await sync.stop() } }
        #expect(await eventually { sync.cache.isReady })
        #expect(committed.withLock { $0 })
        #expect(await eventually { sync.condition(of: "acme")?.isFrozen == true })
        #expect(sync.cache.statistics.fullLoads == 1)
        #expect(sync.cache.statistics.incrementalReloads >= 1)
    }

    @Test("a scheduled freeze starts and ends on time by the injected clock, with no database event")
    func scheduledStartAndEndCrossing() async throws {
        let db = try await LiveStateDatabase.make()
        defer { Task { await db.close() } }
        let start = utc("2035-03-01T09:00:00Z")
        let end = utc("2035-04-01T09:00:00Z")
        try await db.createTenant("acme", paidUntil: utc("2036-01-01T00:00:00Z"))
        // A freeze that is over by the clock's time must not be loaded; the scheduled one must.
        try await db.forceFreeze("acme", from: utc("2035-01-01T00:00:00Z"), to: utc("2035-02-01T00:00:00Z"))
        try await db.forceFreeze("acme", from: start, to: end)
        let clock = ManualWallClock(start.addingTimeInterval(-1))
        let sync = RunningSync.start(db.configuration(), clock: clock)
        defer { Task { await sync.stop() } }
        #expect(await eventually { sync.cache.isReady })
        let loads = sync.cache.statistics

        #expect(sync.cache.currentSnapshot()?.record(forKey: "acme")?.freezes.map(\.start) == [start])
        #expect(sync.condition(of: "acme", at: clock.now()) == .active)
        clock.advance(by: 1)
        #expect(sync.condition(of: "acme", at: clock.now()) == .frozen(from: start, until: end))
        clock.set(end.addingTimeInterval(-0.001))
        #expect(sync.condition(of: "acme", at: clock.now()) == .frozen(from: start, until: end))
        clock.set(end)
        #expect(sync.condition(of: "acme", at: clock.now()) == .active)
        // The paid period ends later by the freezes' paid time kept; it, too, ends by the clock alone.
        let paidUntil = try #require(sync.cache.currentSnapshot()?.record(forKey: "acme")?.paidUntil)
        #expect(paidUntil > utc("2036-01-01T00:00:00Z"))
        clock.set(paidUntil.addingTimeInterval(-1))
        #expect(sync.condition(of: "acme", at: clock.now()) == .active)
        clock.set(paidUntil)
        #expect(sync.condition(of: "acme", at: clock.now()) == .expired)

        let after = sync.cache.statistics
        #expect(after.fullLoads == loads.fullLoads)
        #expect(after.incrementalReloads == loads.incrementalReloads)
    }

    @Test("pg_terminate_backend on the listener: reconnect, LISTEN, resync; a change made meanwhile is applied")
    func listenerTerminated() async throws {
        let db = try await LiveStateDatabase.make()
        defer { Task { await db.close() } }
        try await db.createTenant("acme")
        try await db.createTenant("beta")
        let disconnected = Mutex(0)
        let url = db.connectionString
        let hooks = TenantStateSyncHooks(afterDisconnect: {
            guard
                disconnected.withLock({ count in
                    count += 1
                    return count == 1
                })
            else { return }
            // The sync has no session now: nothing can announce this change to it.
            guard let other = try? await PostgresConnection.connect(url) else { return }
            _ = try? await other.query(
                "SELECT freezegate.force_freeze('acme', now(), now() + interval '30 days', 'while down')"
            )
            await other.close()
        })
        let sync = RunningSync.start(db.configuration(), hooks: hooks)
        defer { Task { await sync.stop() } }
        #expect(await eventually { sync.cache.isReady })
        #expect(sync.condition(of: "acme") == .active)

        let terminated = try await db.admin.query(
            """
            SELECT pg_terminate_backend(pid) FROM pg_stat_activity
             WHERE datname = current_database() AND application_name = 'freezegate-listener'
            """
        )
        #expect(terminated.count == 1)
        #expect(await eventually { sync.cache.statistics.reconnects >= 1 })
        #expect(disconnected.withLock { $0 } >= 1)
        #expect(await eventually { sync.condition(of: "acme")?.isFrozen == true })
        #expect(sync.cache.statistics.reconnectResyncChanges >= 1)
        // And the new listener works.
        try await db.freezeNow("beta")
        #expect(await eventually { sync.condition(of: "beta")?.isFrozen == true })
    }

    @Test("three syncs on one database each apply one change")
    func threeInstancesConverge() async throws {
        let db = try await LiveStateDatabase.make()
        defer { Task { await db.close() } }
        try await db.createTenant("acme")
        let syncs = (0..<3).map { _ in RunningSync.start(db.configuration()) }
        defer { Task { for sync in syncs { await sync.stop() } } }
        for sync in syncs {
            #expect(await eventually { sync.cache.isReady })
        }
        try await db.freezeNow("acme")
        for sync in syncs {
            #expect(await eventually { sync.condition(of: "acme")?.isFrozen == true })
            #expect(sync.cache.statistics.fullLoads == 1)
        }
    }

    @Test("10,000 notifications in a burst are applied with a handful of batched queries")
    func burstIsCoalesced() async throws {
        let db = try await LiveStateDatabase.make()
        defer { Task { await db.close() } }
        let sync = RunningSync.start(db.configuration())
        defer { Task { await sync.stop() } }
        #expect(await eventually { sync.cache.isReady })

        // 20 transactions of 500 new tenants: 10,000 distinct notifications, back to back.
        for chunk in 0..<20 {
            try await db.admin.query(
                """
                INSERT INTO freezegate.tenants (key, owner_email, paid_until)
                SELECT 'burst' || i, 'owner@burst' || i || '.example', now() + interval '1 year'
                FROM generate_series($1::int * 500 + 1, $1::int * 500 + 500) AS i
                """,
                [chunk]
            )
        }
        #expect(await eventually(timeout: .seconds(60)) { sync.cache.currentSnapshot()?.count == 10_000 })
        // A batch is published before its statistics are counted: wait for the count of the last one.
        #expect(await eventually { sync.cache.statistics.reloadedTenants >= 10_000 })
        let statistics = sync.cache.statistics
        #expect(statistics.notificationsReceived == 10_000)
        #expect(statistics.reloadedTenants >= 10_000)
        #expect(statistics.incrementalReloads < 100, "\(statistics.incrementalReloads) batched queries")
        #expect(statistics.fullLoads == 1)
    }

    @Test("the periodic full resync corrects a change that sent no notification, and counts it")
    func periodicResyncCorrectsMissedChange() async throws {
        let db = try await LiveStateDatabase.make()
        defer { Task { await db.close() } }
        try await db.createTenant("acme", paidUntil: utc("2040-01-01T00:00:00Z"))
        try await db.createTenant("quiet", paidUntil: utc("2040-01-01T00:00:00Z"))
        let sync = RunningSync.start(db.configuration { $0.fullResyncInterval = .milliseconds(500) })
        defer { Task { await sync.stop() } }
        #expect(await eventually { sync.cache.isReady })

        // Triggers off for this statement: no NOTIFY, as if the notification had been lost.
        try await db.admin.execute(
            """
            SET session_replication_role = replica;
            UPDATE freezegate.tenants SET paid_until = '2041-01-01Z' WHERE key = 'acme';
            SET session_replication_role = origin;
            """
        )
        #expect(
            await eventually {
                sync.cache.currentSnapshot()?.record(forKey: "acme")?.paidUntil == utc("2041-01-01T00:00:00Z")
            }
        )
        let statistics = sync.cache.statistics
        #expect(statistics.resyncCorrections == 1)
        #expect(statistics.periodicResyncs >= 1)
        #expect(statistics.incrementalReloads == 0)
    }

    @Test("loadedAt is the instant before the load and moves while the session is healthy")
    func snapshotAgeWhileHealthy() async throws {
        let db = try await LiveStateDatabase.make()
        defer { Task { await db.close() } }
        try await db.createTenant("acme")
        let clock = ManualWallClock(utc("2030-01-01T00:00:00Z"))
        let sync = RunningSync.start(db.configuration(), clock: clock)
        defer { Task { await sync.stop() } }
        #expect(await eventually { sync.cache.isReady })
        #expect(sync.cache.currentSnapshot()?.loadedAt == utc("2030-01-01T00:00:00Z"))
        #expect(sync.cache.snapshotAge(now: utc("2030-01-01T00:01:00Z")) == 60)

        // An hour later with the session healthy: stamped to now minus the detection slack (1 s + 2 s).
        clock.advance(by: 3600)
        #expect(
            await eventually {
                sync.cache.currentSnapshot()?.loadedAt == utc("2030-01-01T01:00:00Z").addingTimeInterval(-3)
            }
        )
        #expect(sync.cache.currentSnapshot()?.record(forKey: "acme") != nil)
    }
}

/// A one-shot barrier for hooks: the sync waits in `wait()` until the test calls `open()`.
actor HookBarrier {
    private var waiters: [CheckedContinuation<Void, Never>] = []
    private var isOpen = false
    private(set) var isWaiting = false

    func wait() async {
        guard !self.isOpen else { return }
        self.isWaiting = true
        await withCheckedContinuation { self.waiters.append($0) }
    }

    func open() {
        self.isOpen = true
        for waiter in self.waiters { waiter.resume() }
        self.waiters = []
    }
}
