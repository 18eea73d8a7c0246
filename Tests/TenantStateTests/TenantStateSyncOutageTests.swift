import Foundation
import Logging
import Postgres
import TenantState
import TestSupport
import Testing

/// Outages of the whole server, on private clusters that the tests stop and start (never the shared one).
@Suite("TenantStateSync: PostgreSQL down and back", .timeLimit(.minutes(2)))
struct TenantStateSyncOutageTests {
    @Test(
        "server stopped: the last snapshot is served, loss and recovery logged once; restarted: resync, changes applied"
    )
    func serverStoppedAndRestarted() async throws {
        let cluster = try await PostgresTestCluster.create()
        defer { cluster.destroy() }
        var db = try await LiveStateDatabase.make(in: cluster)
        try await db.createTenant("acme")
        try await db.createTenant("beta")
        let logs = RecordingLogHandler.Store()
        let sync = RunningSync.start(
            db.configuration(),
            logger: Logger(label: "live-state-test", factory: { _ in RecordingLogHandler(store: logs) })
        )
        defer { Task { await sync.stop() } }
        #expect(await eventually { sync.cache.isReady })
        let before = try #require(sync.cache.currentSnapshot())

        await db.close()
        try await cluster.stop()
        #expect(await eventually { sync.cache.statistics.connectionFailures >= 4 })
        #expect(!sync.cache.statistics.isConnected)
        // Still deciding from the last snapshot.
        #expect(sync.cache.isReady)
        #expect(sync.cache.currentSnapshot()?.count == 2)
        #expect(sync.condition(of: "acme") == .active)
        #expect(sync.cache.currentSnapshot()?.loadedAt ?? .distantPast >= before.loadedAt)

        try await cluster.start()
        #expect(await eventually { sync.cache.statistics.reconnects == 1 })
        db = LiveStateDatabase(
            connectionString: db.connectionString,
            admin: try await PostgresConnection.connect(db.connectionString)
        )
        defer { Task { [db] in await db.close() } }
        try await db.freezeNow("acme")
        #expect(await eventually { sync.condition(of: "acme")?.isFrozen == true })
        #expect(sync.cache.statistics.isConnected)

        // Several failed attempts, yet one error for the loss and one notice for the recovery.
        #expect(logs.count(.error) == 1)
        #expect(logs.count(.notice) == 1)
        #expect(logs.count(.critical) == 0)
    }

    @Test("no database at start: not ready while it is down, ready once it is up")
    func noDatabaseAtStart() async throws {
        let cluster = try await PostgresTestCluster.create()
        defer { cluster.destroy() }
        let db = try await LiveStateDatabase.make(in: cluster)
        try await db.createTenant("acme")
        await db.close()
        try await cluster.stop()

        let sync = RunningSync.start(db.configuration())
        defer { Task { await sync.stop() } }
        #expect(await eventually { sync.cache.statistics.connectionFailures >= 3 })
        #expect(!sync.cache.isReady)
        #expect(sync.cache.currentSnapshot() == nil)

        try await cluster.start()
        #expect(await eventually { sync.cache.isReady })
        #expect(sync.cache.currentSnapshot()?.record(forKey: "acme") != nil)
        #expect(sync.cache.statistics.reconnects == 0)
        #expect(sync.cache.statistics.fullLoads == 1)
    }
}
