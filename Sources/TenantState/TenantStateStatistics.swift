import Foundation
import TenantModel

/// Counters of the live tenant state, for metrics and logs.
///
/// Counters only grow; the lead maps them to Prometheus counters and gauges. A growing
/// `resyncCorrections` means notifications were lost (the periodic resync found tenants that
/// differed from what the notifications had produced).
public struct TenantStateStatistics: Sendable, Hashable {
    /// Successful full loads: the first load, the resync after every reconnect, and periodic resyncs.
    public var fullLoads: Int = 0
    /// Of `fullLoads`, the periodic ones (the backstop against lost notifications).
    public var periodicResyncs: Int = 0
    /// Batched `snapshot_tenants(keys, at)` queries run for notifications.
    public var incrementalReloads: Int = 0
    /// Tenant keys reloaded by those queries (after coalescing).
    public var reloadedTenants: Int = 0
    /// Notifications received on the change channel.
    public var notificationsReceived: Int = 0
    /// Sessions re-established after a lost or failed one (each followed by a full resync).
    public var reconnects: Int = 0
    /// Attempts to reach PostgreSQL that failed, and sessions that ended with an error.
    public var connectionFailures: Int = 0
    /// Tenants a periodic resync found different from the snapshot (missed notifications).
    public var resyncCorrections: Int = 0
    /// Tenants the resync after a reconnect found changed (changes made while disconnected).
    public var reconnectResyncChanges: Int = 0
    /// Whether the listener and the query session are up right now.
    public var isConnected: Bool = false
    /// Whether a full load is running right now (beside the notifications, which keep being applied).
    public var isFullLoadRunning: Bool = false
    /// How long the last full load took (query, decoding, building the snapshot, re-reading the keys
    /// announced meanwhile, publishing).
    public var lastFullLoadDuration: Duration?
    /// The number of tenants in the current snapshot.
    public var tenantCount: Int = 0

    public init() {}
}
