import Foundation
import Logging
import Migrator
import Postgres
import TenantModel
import TenantState
import TestSupport

/// A migrated database for the live-state tests, an admin session on it, and syncs running against it.
struct LiveStateDatabase {
    let connectionString: String
    let admin: PostgresConnection

    /// A fresh database copied from the migrated template of the shared cluster.
    static func make() async throws -> LiveStateDatabase {
        let url = try await TestPostgres.shared.makeMigratedDatabase(prefix: "live_state")
        return LiveStateDatabase(connectionString: url, admin: try await PostgresConnection.connect(url))
    }

    /// A database `live` in a private cluster (which the test may stop and start), migrated.
    static func make(in cluster: PostgresTestCluster) async throws -> LiveStateDatabase {
        let server = try await PostgresConnection.connect(cluster.connectionString())
        try await server.execute("CREATE DATABASE live")
        await server.close()
        let url = cluster.connectionString(database: "live")
        let admin = try await PostgresConnection.connect(url)
        _ = try await Migrator(connection: admin).migrate(
            try MigrationDirectory.load(TestPostgres.repositorySQLDirectory)
        )
        return LiveStateDatabase(connectionString: url, admin: admin)
    }

    func createTenant(_ key: String, paidUntil: Date = Date().addingTimeInterval(365 * 86_400)) async throws {
        try await self.admin.query(
            "SELECT freezegate.create_tenant($1, $2, $3::timestamptz)",
            [key, "owner@\(key).example", paidUntil]
        )
    }

    @discardableResult
    func forceFreeze(_ key: String, from start: Date, to end: Date) async throws -> Int64 {
        let rows = try await self.admin.query(
            "SELECT freezegate.force_freeze($1, $2::timestamptz, $3::timestamptz, 'live-state test')",
            [key, start, end]
        )
        return try rows[0].decode(Int64.self, column: 0)
    }

    /// A freeze from now for 30 days, the simplest change that flips a tenant to frozen.
    func freezeNow(_ key: String) async throws {
        try await self.admin.query(
            "SELECT freezegate.force_freeze($1, now(), now() + interval '30 days', 'live-state test')",
            [key]
        )
    }

    func unfreeze(_ key: String) async throws {
        try await self.admin.query("SELECT freezegate.unfreeze($1)", [key])
    }

    /// A configuration with intervals short enough for tests.
    func configuration(
        _ adjust: (inout TenantStateSyncConfiguration) -> Void = { _ in }
    ) -> TenantStateSyncConfiguration {
        var configuration = TenantStateSyncConfiguration(
            database: PostgresConfiguration(connectionString: self.connectionString, connectTimeoutSeconds: 3),
            backoff: ReconnectBackoff(initialDelay: .milliseconds(50), maximumDelay: .milliseconds(500)),
            heartbeatInterval: .seconds(1),
            heartbeatTimeout: .seconds(2),
            freshnessInterval: .milliseconds(200)
        )
        adjust(&configuration)
        return configuration
    }

    func close() async {
        await self.admin.close()
    }
}

/// A sync running in a task; `stop()` cancels it and waits until it has ended.
struct RunningSync {
    let sync: TenantStateSync
    let task: Task<Void, Never>

    var cache: TenantStateCache { self.sync.cache }

    static func start(
        _ configuration: TenantStateSyncConfiguration,
        clock: any WallClock = SystemWallClock(),
        logger: Logger = Logger(label: "live-state-test", factory: { _ in SwiftLogNoOpLogHandler() }),
        hooks: TenantStateSyncHooks = TenantStateSyncHooks()
    ) -> RunningSync {
        let sync = TenantStateSync(configuration: configuration, clock: clock, logger: logger, hooks: hooks)
        return RunningSync(sync: sync, task: Task { await sync.runUntilCancelled() })
    }

    func stop() async {
        self.task.cancel()
        await self.task.value
    }

    /// The tenant's condition now, or nil when the snapshot is missing or has no such tenant.
    func condition(of key: String, at instant: Date = Date()) -> TenantCondition? {
        self.cache.currentSnapshot()?.record(forKey: key)?.condition(at: instant)
    }
}

/// Polls `condition` until it holds or `timeout` passes; no assertion on how fast.
func eventually(
    timeout: Duration = .seconds(20),
    _ condition: () async throws -> Bool
) async rethrows -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: timeout)
    while clock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return try await condition()
}

extension TenantCondition {
    var isFrozen: Bool {
        if case .frozen = self { return true }
        return false
    }
}
