/// How to reach PostgreSQL: anything libpq accepts, plus the defaults FreezeGate adds.
///
/// The defaults are passed to libpq *before* the caller's connection string, so any value the caller
/// spells out (e.g. `connect_timeout=3` or `application_name=ops`) wins over them.
public struct PostgresConfiguration: Sendable, Hashable {
    /// A libpq URI (`postgresql://user@/db?host=/run/pg`) or a `key=value` connection string.
    public var connectionString: String
    /// Reported in `pg_stat_activity` and the audit log unless the connection string names one.
    public var applicationName: String
    /// Seconds; bounds how long an unreachable server can hold up a connect.
    public var connectTimeoutSeconds: Int
    /// TCP keepalives so that a half-open connection is noticed in seconds, not hours.
    public var keepalivesIdleSeconds: Int
    public var keepalivesIntervalSeconds: Int
    public var keepalivesCount: Int

    public init(
        connectionString: String,
        applicationName: String = "freezegate",
        connectTimeoutSeconds: Int = 10,
        keepalivesIdleSeconds: Int = 10,
        keepalivesIntervalSeconds: Int = 5,
        keepalivesCount: Int = 3
    ) {
        self.connectionString = connectionString
        self.applicationName = applicationName
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.keepalivesIdleSeconds = keepalivesIdleSeconds
        self.keepalivesIntervalSeconds = keepalivesIntervalSeconds
        self.keepalivesCount = keepalivesCount
    }

    /// libpq keywords and values, defaults first, the caller's string last (expanded by libpq).
    var libpqParameters: [(String, String)] {
        [
            ("fallback_application_name", applicationName),
            ("connect_timeout", String(connectTimeoutSeconds)),
            ("keepalives", "1"),
            ("keepalives_idle", String(keepalivesIdleSeconds)),
            ("keepalives_interval", String(keepalivesIntervalSeconds)),
            ("keepalives_count", String(keepalivesCount)),
            ("dbname", connectionString),
        ]
    }
}
