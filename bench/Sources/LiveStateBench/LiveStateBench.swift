import Foundation
import Logging
import Migrator
import Postgres
import TenantState
import TestSupport

/// bench/live-state.sh: measures the live tenant state at the cache level (what the gate reads) on a
/// throwaway PostgreSQL cluster: initial load of N tenants (time, resident memory), commit-to-effect
/// latency over freeze/unfreeze toggles, 1,000 tenants changed in one transaction, and the database
/// transactions the gateway causes in steady state.
@main
struct LiveStateBench {
    static func main() async {
        do {
            try await run()
        } catch {
            print("bench failed: \(error)")
            exit(1)
        }
    }

    static func run() async throws {
        let arguments = CommandLine.arguments.dropFirst().compactMap { Int($0) }
        let tenantCount = arguments.first ?? 100_000
        let toggles = arguments.dropFirst().first ?? 60
        var logger = Logger(label: "bench")
        logger.logLevel = .warning

        print("starting a throwaway PostgreSQL cluster ...")
        let cluster = try await PostgresTestCluster.create()
        defer { cluster.destroy() }
        let server = try await PostgresConnection.connect(cluster.connectionString())
        try await server.execute("CREATE DATABASE bench")
        await server.close()
        let url = cluster.connectionString(database: "bench")
        let admin = try await PostgresConnection.connect(url)
        _ = try await Migrator(connection: admin).migrate(
            try MigrationDirectory.load(TestPostgres.repositorySQLDirectory)
        )

        print("seeding \(tenantCount) tenants, \(tenantCount * 2) freezes, \(tenantCount / 4) domains ...")
        try await admin.execute(Self.seedSQL(tenantCount))
        try await admin.execute("VACUUM ANALYZE")
        try await admin.query(
            "SELECT freezegate.create_tenant('toggle', 'owner@toggle.example', now() + interval '1 year')"
        )

        // 1. Initial load.
        let rssBefore = Self.memory("VmRSS")
        let sync = TenantStateSync(
            configuration: TenantStateSyncConfiguration(database: PostgresConfiguration(connectionString: url)),
            logger: logger
        )
        let started = ContinuousClock.now
        let task = Task { await sync.runUntilCancelled() }
        while !sync.cache.isReady { try await Task.sleep(for: .milliseconds(1)) }
        let timeToReady = ContinuousClock.now - started
        let loaded = sync.cache.statistics
        let rssAfter = Self.memory("VmRSS")
        print("")
        print("## initial load")
        print("tenants loaded:              \(sync.cache.currentSnapshot()?.count ?? 0)")
        print("start → ready:               \(Self.ms(timeToReady)) ms (LISTEN, connect, query, decode, index)")
        print("full load (query→published): \(loaded.lastFullLoadDuration.map(Self.ms) ?? "?") ms")
        print(
            "resident memory:             \(rssBefore / 1024) MiB before, \(rssAfter / 1024) MiB after, peak \(Self.memory("VmHWM") / 1024) MiB"
        )

        // The cost of applying one changed tenant to the whole snapshot (copy-on-write of its tables).
        if let snapshot = sync.cache.currentSnapshot(), let one = snapshot.record(forKey: "t1") {
            var applyTimes: [Duration] = []
            for _ in 0..<20 {
                let applyStarted = ContinuousClock.now
                let applied = snapshot.applyingIncrementally(upserts: [one], removals: [], loadedAt: Date())
                applyTimes.append(ContinuousClock.now - applyStarted)
                precondition(applied.count == snapshot.count)
            }
            print(
                "one tenant applied to the snapshot: median \(Self.microseconds(Self.percentile(applyTimes, 0.5))) µs"
            )
        }

        // 2. Commit-to-effect latency over freeze/unfreeze toggles.
        var fromCommit: [Duration] = []
        var fromSend: [Duration] = []
        for toggle in 0..<toggles {
            // Changes 100 ms apart, as ops make them: back to back they would meet the burst throttle
            // (one reload start per coalescing window, 20 ms) and measure it instead.
            try await Task.sleep(for: .milliseconds(100))
            let freeze = toggle % 2 == 0
            let sent = ContinuousClock.now
            if freeze {
                try await admin.query(
                    "SELECT freezegate.force_freeze('toggle', now(), now() + interval '30 days', 'bench')"
                )
            } else {
                try await admin.query("SELECT freezegate.unfreeze('toggle')")
            }
            let committed = ContinuousClock.now
            while true {
                let condition = sync.cache.currentSnapshot()?.record(forKey: "toggle")?.condition(at: Date())
                let isFrozen: Bool
                if case .frozen = condition { isFrozen = true } else { isFrozen = false }
                if isFrozen == freeze { break }
                try await Task.sleep(for: .microseconds(50))
            }
            let effective = ContinuousClock.now
            fromCommit.append(effective - committed)
            fromSend.append(effective - sent)
        }
        print("")
        print("## commit-to-effect latency, \(toggles) freeze/unfreeze toggles (cache level)")
        print(
            "commit acknowledged → visible: p50 \(Self.ms(Self.percentile(fromCommit, 0.5))) ms, p99 \(Self.ms(Self.percentile(fromCommit, 0.99))) ms, max \(Self.ms(fromCommit.max() ?? .zero)) ms"
        )
        print(
            "statement sent → visible:      p50 \(Self.ms(Self.percentile(fromSend, 0.5))) ms, p99 \(Self.ms(Self.percentile(fromSend, 0.99))) ms, max \(Self.ms(fromSend.max() ?? .zero)) ms"
        )

        // 3. 1,000 tenants changed in one transaction.
        let keys = (1...min(1000, tenantCount)).map { "t\($0)" }
        guard let before = sync.cache.currentSnapshot() else { return }
        let expected = Dictionary(
            uniqueKeysWithValues: keys.compactMap { key in
                before.record(forKey: key).map { (key, $0.paidUntil.addingTimeInterval(86_400)) }
            }
        )
        let bulkReloadsBefore = sync.cache.statistics.incrementalReloads
        let bulkSent = ContinuousClock.now
        try await admin.query(
            "UPDATE freezegate.tenants SET paid_until = paid_until + interval '1 day' WHERE key = ANY($1::text[])",
            [keys]
        )
        let bulkCommitted = ContinuousClock.now
        while true {
            guard let snapshot = sync.cache.currentSnapshot() else { break }
            if expected.allSatisfy({ snapshot.record(forKey: $0.key)?.paidUntil == $0.value }) { break }
            try await Task.sleep(for: .microseconds(200))
        }
        let bulkApplied = ContinuousClock.now
        print("")
        print("## \(keys.count) tenants changed in one transaction")
        print(
            "commit acknowledged → all visible: \(Self.ms(bulkApplied - bulkCommitted)) ms (statement sent → all visible: \(Self.ms(bulkApplied - bulkSent)) ms), \(sync.cache.statistics.incrementalReloads - bulkReloadsBefore) batched queries"
        )

        // 4. Steady state: lookups only, no changes; count the database's transactions meanwhile.
        let transactionsSQL =
            "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database()"
        // An idle backend reports its statistics within 10 s (PGSTAT_IDLE_INTERVAL): let the earlier
        // changes' counts land first.
        try await Task.sleep(for: .seconds(11))
        let syncQueriesBefore = sync.cache.statistics.fullLoads + sync.cache.statistics.incrementalReloads
        try await admin.query("SELECT pg_stat_clear_snapshot()")
        let xactBefore = try await admin.query(transactionsSQL)[0].decode(Int64.self, column: 0)
        let lookups = 1_000_000
        var frozenSeen = 0
        let lookupStarted = ContinuousClock.now
        for index in 0..<lookups {
            guard let snapshot = sync.cache.currentSnapshot() else { continue }
            if case .frozen = snapshot.record(forKey: "t\(index % tenantCount + 1)")?.condition(at: Date()) {
                frozenSeen += 1
            }
        }
        let lookupTime = ContinuousClock.now - lookupStarted
        let syncQueries = sync.cache.statistics.fullLoads + sync.cache.statistics.incrementalReloads - syncQueriesBefore
        let idleStarted = ContinuousClock.now
        try await Task.sleep(for: .seconds(11))  // statistics are reported by idle backends within 10 s
        let window = ContinuousClock.now - idleStarted + lookupTime
        try await admin.query("SELECT pg_stat_clear_snapshot()")
        let xactAfter = try await admin.query(transactionsSQL)[0].decode(Int64.self, column: 0)
        print("")
        print("## steady state")
        print(
            "\(lookups) snapshot lookups + condition(at:) in \(Self.ms(lookupTime)) ms (\(frozenSeen) frozen); snapshot queries by the sync meanwhile: \(syncQueries); database transactions counted by pg_stat_database in the \(Self.ms(window)) ms window (lookups, then idle): \(xactAfter - xactBefore), including the bench's own statistics statements and the listener's idle heartbeat (one SELECT 1 per 5 s); backends flush these counters lazily"
        )
        print("statistics: \(sync.cache.statistics)")

        task.cancel()
        await task.value
        await admin.close()
        let cores = ProcessInfo.processInfo.activeProcessorCount
        print("")
        print("machine: \(cores) cores, \(ProcessInfo.processInfo.physicalMemory / 1_073_741_824) GiB RAM")
    }

    static func seedSQL(_ tenants: Int) -> String {
        """
        SET session_replication_role = replica;
        INSERT INTO freezegate.tenants (key, owner_email, paid_from, paid_until, created_at)
        SELECT 't' || i, 'owner' || i || '@school' || i || '.example', NULL,
               timestamptz '2031-06-01Z' + (i % 365) * interval '1 day', timestamptz '2030-01-01Z'
        FROM generate_series(1, \(tenants)) AS i;
        INSERT INTO freezegate.domains (domain, tenant)
        SELECT 'crm.school' || i || '.example', 't' || i FROM generate_series(1, \(tenants), 4) AS i;
        INSERT INTO freezegate.freezes (tenant, starts_at, ends_at, requested_by, credited)
        SELECT 't' || i, timestamptz '2031-01-01Z' + (i % 20) * interval '1 day',
               timestamptz '2031-01-01Z' + (i % 20) * interval '1 day' + interval '30 days',
               'owner' || i || '@school' || i || '.example', interval '30 days'
        FROM generate_series(1, \(tenants)) AS i;
        INSERT INTO freezegate.freezes (tenant, starts_at, ends_at, requested_by, credited)
        SELECT 't' || i, timestamptz '2031-07-01Z' + (i % 30) * interval '1 day',
               timestamptz '2031-07-01Z' + (i % 30) * interval '1 day' + interval '45 days',
               'owner' || i || '@school' || i || '.example', interval '45 days'
        FROM generate_series(1, \(tenants)) AS i;
        SET session_replication_role = origin;
        """
    }

    /// A field of /proc/self/status in KiB.
    static func memory(_ field: String) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix(field + ":") {
            return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
        }
        return 0
    }

    static func percentile(_ values: [Duration], _ fraction: Double) -> Duration {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return .zero }
        let rank = Int((fraction * Double(sorted.count)).rounded(.up)) - 1
        return sorted[min(sorted.count - 1, max(0, rank))]
    }

    static func microseconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        return String(format: "%.0f", Double(seconds) * 1e6 + Double(attoseconds) / 1e12)
    }

    static func ms(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        return String(format: "%.1f", Double(seconds) * 1000 + Double(attoseconds) / 1e15)
    }
}
