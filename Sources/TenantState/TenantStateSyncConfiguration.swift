import Postgres
import TenantModel

/// Everything `TenantStateSync` waits for or on, in one place, so that tests can shrink the intervals
/// and operators can read the defaults.
public struct TenantStateSyncConfiguration: Sendable {
    /// The database; the listener runs on the primary (LISTEN does not work on a replica or through a
    /// transaction-mode pooler). TCP keepalives come from `PostgresConfiguration`'s defaults.
    public var database: PostgresConfiguration
    /// The channel the SQL model announces changed tenant keys on.
    public var channel: String
    /// The least time between the starts of two reloads for notifications: the first change after a
    /// quiet spell is reloaded at once; during a burst the keys announced within a window share one query.
    public var coalescingWindow: Duration
    /// The most tenant keys in one `snapshot_tenants(keys, at)` query; a pending set this large is
    /// reloaded at once, without waiting for the coalescing window.
    public var maximumBatchSize: Int
    /// Waits between attempts to reach PostgreSQL.
    public var backoff: ReconnectBackoff
    /// The backstop against lost notifications: a full reload this often, counting what it corrects.
    public var fullResyncInterval: Duration
    /// Idle time after which the listener checks its session with `SELECT 1`.
    public var heartbeatInterval: Duration
    /// How long that check may take before the session counts as lost.
    public var heartbeatTimeout: Duration
    /// How often a healthy session re-stamps the snapshot's `loadedAt` (see `TenantStateSync`).
    public var freshnessInterval: Duration
    /// Queries ask for the state from `now − snapshotLookback` on, so that a wall clock stepped back a
    /// little (NTP) still finds freezes that just ended; costs nothing but a few past windows.
    public var snapshotLookback: Duration

    public init(
        database: PostgresConfiguration,
        channel: String = "freezegate_tenant_changed",
        coalescingWindow: Duration = .milliseconds(20),
        maximumBatchSize: Int = 1000,
        backoff: ReconnectBackoff = ReconnectBackoff(),
        fullResyncInterval: Duration = .seconds(300),
        heartbeatInterval: Duration = .seconds(5),
        heartbeatTimeout: Duration = .seconds(5),
        freshnessInterval: Duration = .seconds(1),
        snapshotLookback: Duration = .seconds(60)
    ) {
        self.database = database
        self.channel = channel
        self.coalescingWindow = coalescingWindow
        self.maximumBatchSize = max(1, maximumBatchSize)
        self.backoff = backoff
        self.fullResyncInterval = fullResyncInterval
        self.heartbeatInterval = heartbeatInterval
        self.heartbeatTimeout = heartbeatTimeout
        self.freshnessInterval = freshnessInterval
        self.snapshotLookback = snapshotLookback
    }
}
