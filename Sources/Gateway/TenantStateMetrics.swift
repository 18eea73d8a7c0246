import CPUPacing
import Foundation
import Metrics
import Synchronization
import TenantModel
import TenantState

/// Publishes the live tenant state's counters and gauges; refreshed at every `/metrics` scrape.
///
/// The sync keeps plain counters (`TenantStateStatistics`); here they become Prometheus counters by
/// adding what grew since the last scrape. Labels never carry tenant keys.
final class TenantStateMetrics: Sendable {
    private let lastSeen = Mutex(TenantStateStatistics())
    /// The last counts by condition, reused while they hold.
    private let lastCounts = Mutex<TenantConditionCounts?>(nil)
    private let tenantsLoaded = Gauge(label: "freezegate_tenants_loaded")
    private let tenantsFrozen = Gauge(label: "freezegate_tenants", dimensions: [("state", "frozen")])
    private let tenantsExpired = Gauge(label: "freezegate_tenants", dimensions: [("state", "expired")])
    private let tenantsActive = Gauge(label: "freezegate_tenants", dimensions: [("state", "active")])
    private let snapshotAge = Gauge(label: "freezegate_snapshot_age_seconds")
    private let ready = Gauge(label: "freezegate_ready")
    private let databaseConnected = Gauge(label: "freezegate_database_connected")
    private let notifications = Counter(label: "freezegate_notifications_received_total")
    private let notificationsApplied = Counter(label: "freezegate_notifications_applied_total")
    private let periodicResyncs = Counter(label: "freezegate_snapshot_periodic_resyncs_total")
    private let incrementalReloads = Counter(label: "freezegate_snapshot_incremental_reloads_total")
    private let fullLoads = Counter(label: "freezegate_snapshot_full_loads_total")
    private let reconnects = Counter(label: "freezegate_database_reconnects_total")
    private let connectionFailures = Counter(label: "freezegate_database_connection_failures_total")
    private let resyncCorrections = Counter(label: "freezegate_snapshot_resync_corrections_total")

    /// The gauges that cost nothing to read — readiness, the database connection, the snapshot's
    /// age — set at every scrape, so `freezegate_ready` agrees with `/readyz` at every instant.
    func updateLiveGauges(cache: TenantStateCache, now: Date) {
        ready.record(cache.isReady ? 1 : 0)
        databaseConnected.record(cache.statistics.isConnected ? 1 : 0)
        if let age = cache.snapshotAge(now: now) { snapshotAge.record(age) }
    }

    func update(cache: TenantStateCache, now: Date) {
        let statistics = cache.statistics
        let snapshot = cache.currentSnapshot()
        self.updateLiveGauges(cache: cache, now: now)
        if let snapshot {
            tenantsLoaded.record(snapshot.count)
            // Walking every tenant took ~150 ms of a core every refresh at a million tenants: count
            // again only when the tenants changed or a condition may have, and after a change walk
            // only the tenants changed since the last full build when the last count can say the rest.
            let counts: TenantConditionCounts
            let last = self.lastCounts.withLock { $0 }
            if let last, last.hold(for: snapshot, at: now) {
                counts = last
            } else {
                // A full walk is a tenth of a second of CPU beside the event loops: given away often.
                var pacer = CPUYieldPacer()
                counts = snapshot.conditionCounts(at: now, reusing: last, pacing: { pacer.pace() })
                self.lastCounts.withLock { $0 = counts }
            }
            tenantsFrozen.record(counts.frozen)
            tenantsExpired.record(counts.expired)
            tenantsActive.record(counts.active)
        }
        let previous = lastSeen.withLock { last in
            defer { last = statistics }
            return last
        }
        func grow(_ counter: Counter, _ keyPath: KeyPath<TenantStateStatistics, Int>) {
            let delta = statistics[keyPath: keyPath] - previous[keyPath: keyPath]
            if delta > 0 { counter.increment(by: delta) }
        }
        grow(notifications, \.notificationsReceived)
        grow(notificationsApplied, \.reloadedTenants)
        grow(periodicResyncs, \.periodicResyncs)
        grow(incrementalReloads, \.incrementalReloads)
        grow(fullLoads, \.fullLoads)
        grow(reconnects, \.reconnects)
        grow(connectionFailures, \.connectionFailures)
        grow(resyncCorrections, \.resyncCorrections)
    }
}
