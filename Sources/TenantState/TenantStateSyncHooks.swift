/// Points in the sync's life where a test can step in, to provoke races deterministically (a change
/// committed between the full load's query and the moment the snapshot is published, or while the
/// sync is disconnected). Production code leaves them nil.
public struct TenantStateSyncHooks: Sendable {
    /// After `LISTEN` is confirmed, before the query session connects and loads.
    public var afterListening: (@Sendable () async -> Void)?
    /// After a full load's query has returned, before its snapshot is published.
    public var afterFullLoadQuery: (@Sendable () async -> Void)?
    /// After a session ended with an error and was torn down, before the backoff wait.
    public var afterDisconnect: (@Sendable () async -> Void)?

    public init(
        afterListening: (@Sendable () async -> Void)? = nil,
        afterFullLoadQuery: (@Sendable () async -> Void)? = nil,
        afterDisconnect: (@Sendable () async -> Void)? = nil
    ) {
        self.afterListening = afterListening
        self.afterFullLoadQuery = afterFullLoadQuery
        self.afterDisconnect = afterDisconnect
    }
}
