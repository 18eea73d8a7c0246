import CPUPacing
import Foundation
import Logging
import Postgres
import ServiceLifecycle
import TenantModel

/// Keeps a `TenantStateCache` in step with PostgreSQL: LISTEN, full load, then notifications.
///
/// One session is: the listener connects and `LISTEN`s (confirmed), then a query connection opens
/// and a full load starts on a third connection of its own, beside the notifications; when it is
/// published the cache is ready. Announced tenant keys are coalesced for a short window and reloaded
/// in batches: the first change after a quiet spell is reloaded at once, and in a burst reloads start
/// at most once per `coalescingWindow`, each taking every key announced meanwhile. Because `LISTEN`
/// comes first, a change committed while a full load runs is announced to the listener; it is
/// applied to the served snapshot at once and re-read into the loaded one before that is published
/// (see `consume`), so it takes effect without waiting for the load and is never reverted by it.
/// Any failure (listener lost or heartbeat unanswered, query failed) ends the session; the next one
/// starts after an exponential backoff with jitter, `LISTEN` first again, then a full resync, which
/// applies whatever changed while disconnected. A full resync every `fullResyncInterval` is the
/// backstop; what it finds different is counted. While disconnected the last snapshot stays in use;
/// the loss and the recovery are logged once each. Replaced snapshots are freed on the cache's
/// reclaimer thread, so that neither the requests nor this loop pay for freeing a million records.
///
/// `loadedAt` of the published snapshot — and so `TenantStateCache.snapshotAge(now:)` — is the last
/// instant the snapshot was known to hold every change committed before it: the wall-clock time just
/// before the last full load's query; then, while the session stays healthy with nothing pending,
/// every `freshnessInterval` it moves to `now − (heartbeatInterval + heartbeatTimeout)`, because a
/// listener that died silently is only noticed that late. Incremental reloads move it to the
/// instant their query started. While disconnected it does not move, so the age grows from the
/// moment of the loss (minus that detection slack). A gate's `max_snapshot_age` should therefore be
/// well above `heartbeatInterval + heartbeatTimeout + freshnessInterval` (11 s with the defaults).
public final class TenantStateSync: Service, Sendable {
    /// The cache this sync writes; read it on the request path.
    public let cache: TenantStateCache
    private let configuration: TenantStateSyncConfiguration
    private let clock: any WallClock
    private let logger: Logger
    private let hooks: TenantStateSyncHooks

    public init(
        configuration: TenantStateSyncConfiguration,
        cache: TenantStateCache = TenantStateCache(),
        clock: any WallClock = SystemWallClock(),
        logger: Logger,
        hooks: TenantStateSyncHooks = TenantStateSyncHooks()
    ) {
        self.configuration = configuration
        self.cache = cache
        self.clock = clock
        self.logger = logger
        self.hooks = hooks
    }

    /// Runs until the task is cancelled or, in a `ServiceGroup`, until graceful shutdown; never throws.
    public func run() async {
        await cancelWhenGracefulShutdown { await self.runUntilCancelled() }
    }

    /// Runs until the task is cancelled.
    public func runUntilCancelled() async {
        var progress = SyncProgress()
        while !Task.isCancelled {
            do {
                try await self.runSession(&progress)
            } catch {
                if Task.isCancelled { break }
                self.recordFailure(error, &progress)
            }
            self.cache.updateStatistics {
                $0.isConnected = false
                $0.isFullLoadRunning = false
            }
            if Task.isCancelled { break }
            await self.hooks.afterDisconnect?()
            let delay = self.configuration.backoff.delay(forAttempt: progress.failedAttempts - 1)
            do {
                try await Task.sleep(for: delay)
            } catch {
                break
            }
        }
        self.cache.updateStatistics { $0.isConnected = false }
    }

    // MARK: - One session

    private func runSession(_ progress: inout SyncProgress) async throws {
        var listenerConfiguration = self.configuration.database
        listenerConfiguration.applicationName += "-listener"
        var queryConfiguration = self.configuration.database
        queryConfiguration.applicationName += "-state"
        var loadConfiguration = self.configuration.database
        loadConfiguration.applicationName += "-load"

        let listener = try await PostgresListener.start(
            listenerConfiguration,
            channels: [self.configuration.channel],
            heartbeatInterval: self.configuration.heartbeatInterval,
            heartbeatTimeout: self.configuration.heartbeatTimeout
        )
        defer { listener.stop() }
        let inbox = ChangeInbox()
        defer { inbox.finish() }

        try await withThrowingTaskGroup(of: Void.self) { group in
            // Started before the load, so that what is announced during the load is collected.
            group.addTask {
                do {
                    for try await notification in listener.notifications {
                        self.cache.updateStatistics { $0.notificationsReceived += 1 }
                        inbox.add(key: notification.payload)
                    }
                    inbox.listenerEnded(with: nil)
                } catch {
                    inbox.listenerEnded(with: error)
                }
            }
            let freshnessInterval = self.configuration.freshnessInterval
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: freshnessInterval)
                    inbox.tick()
                }
            }
            await self.hooks.afterListening?()
            let connection = try await PostgresConnection.connect(queryConfiguration)
            do {
                try await self.consume(
                    inbox,
                    connection: connection,
                    loadConfiguration: loadConfiguration,
                    progress: &progress
                )
            } catch {
                await connection.close()
                throw error
            }
            await connection.close()
            group.cancelAll()
        }
    }

    /// Notifications until the session fails or the task is cancelled, with full loads running beside
    /// them: the first at once, then one every `fullResyncInterval` after the last one published.
    ///
    /// A full load runs on a connection of its own in a child task, so that a change committed
    /// meanwhile is reloaded and published at once instead of after the load (seconds at a million
    /// tenants). When the load ends, this loop — the only writer of the cache — re-reads every key
    /// announced since the load started, applies them to the loaded snapshot and publishes it.
    ///
    /// Why nothing is lost and nothing goes back in time: the load's query sees every transaction
    /// committed before its statement snapshot, which is taken after the load started (and LISTEN was
    /// confirmed before). A transaction it does not see commits after that, so its notification
    /// arrives after the load started and its key is re-read — by a query that starts after the
    /// notification, and therefore after that commit — before the loaded snapshot is published. A key
    /// not announced since the load started had its last change committed before the load, so the
    /// load's row for it is at least as new as the one the current snapshot holds. Keys announced
    /// after the re-read stay pending and are reloaded into the published snapshot by the next round.
    private func consume(
        _ inbox: ChangeInbox,
        connection: PostgresConnection,
        loadConfiguration: PostgresConfiguration,
        progress: inout SyncProgress
    ) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            func startFullLoad(_ kind: FullLoadKind) -> FullLoadInProgress {
                self.cache.updateStatistics { $0.isFullLoadRunning = true }
                group.addTask {
                    do {
                        inbox.fullLoadEnded(.success(try await self.loadFullSnapshot(loadConfiguration)))
                    } catch {
                        inbox.fullLoadEnded(.failure(error))
                    }
                }
                return FullLoadInProgress(kind: kind)
            }
            var load: FullLoadInProgress? = startFullLoad(progress.hasLoaded ? .afterReconnect : .initial)
            let continuousClock = ContinuousClock()
            var nextResync: ContinuousClock.Instant?
            var lastReloadStarted: ContinuousClock.Instant?
            for await _ in inbox.wakeUps {
                if Task.isCancelled { break }
                if let failure = inbox.listenerFailure { throw failure }
                if inbox.pendingKeyCount > 0 {
                    // The first change after a quiet spell is reloaded at once; in a burst, reloads start
                    // at most once per coalescing window, and the keys announced meanwhile share one query.
                    if let lastReloadStarted, inbox.pendingKeyCount < self.configuration.maximumBatchSize {
                        let earliest = lastReloadStarted.advanced(by: self.configuration.coalescingWindow)
                        if continuousClock.now < earliest {
                            try await Task.sleep(until: earliest, clock: continuousClock)
                        }
                    }
                    if let failure = inbox.listenerFailure { throw failure }
                    lastReloadStarted = continuousClock.now
                    let keys = inbox.takeKeys()
                    load?.announcedKeys.formUnion(keys)
                    try await self.reload(keys, connection, keepingLoadedAt: load?.kind.replacesStaleSnapshot ?? false)
                }
                if let running = load, let result = inbox.takeFullLoad() {
                    load = nil
                    self.cache.updateStatistics { $0.isFullLoadRunning = false }
                    let loaded = try result.get()
                    let changes = try await self.complete(loaded, running: running, inbox: inbox, connection)
                    switch running.kind {
                    case .initial, .afterReconnect:
                        self.recordRecovery(kind: running.kind, changes: changes, &progress)
                    case .periodic where changes > 0:
                        self.logger.warning(
                            "periodic resync corrected tenants that notifications had missed",
                            metadata: ["corrected": "\(changes)"]
                        )
                    case .periodic:
                        break
                    }
                    nextResync = continuousClock.now.advanced(by: self.configuration.fullResyncInterval)
                } else if load == nil, let due = nextResync, continuousClock.now >= due {
                    load = startFullLoad(.periodic)
                } else if inbox.pendingKeyCount == 0, !(load?.kind.replacesStaleSnapshot ?? false) {
                    self.stampInSync()
                }
            }
            group.cancelAll()
        }
    }

    private enum FullLoadKind {
        case initial, afterReconnect, periodic

        /// Whether the snapshot being served may lack changes (none yet, or one kept through an
        /// outage) until this load is published: then it must not be stamped as in sync.
        var replacesStaleSnapshot: Bool { self != .periodic }
    }

    /// A full load running beside the loop, and the keys announced since it started.
    private struct FullLoadInProgress {
        let kind: FullLoadKind
        var announcedKeys: Set<String> = []
    }

    /// Rows per `FETCH` of a full load.
    static let fullLoadBatchSize = 20_000

    /// Loads every tenant on a connection of its own and builds the snapshot (run in a child task).
    private func loadFullSnapshot(_ loadConfiguration: PostgresConfiguration) async throws -> FullSnapshotLoad {
        let started = ContinuousClock.now
        let now = self.clock.now()
        let from = now.addingTimeInterval(-self.configuration.snapshotLookback.timeInterval)
        let connection = try await PostgresConnection.connect(loadConfiguration)
        // Decoded batch by batch straight into the table: no full result and no array of every record
        // beside it, so that memory during a resync stays near twice the snapshot.
        var recordsByKey: [String: TenantRecord] = [:]
        // A resync's table is about the size of the served one: made that size at once, it is not
        // rehashed a score of times as it grows (a fifth of a million-tenant resync's CPU).
        recordsByKey.reserveCapacity(self.cache.currentSnapshot()?.count ?? 0)
        // Seconds of CPU at normal priority: given away every few hundred microseconds, so that an
        // event loop woken on the same core does not wait for the end of the load's slice.
        var pacer = CPUYieldPacer()
        do {
            try await TenantSnapshotQuery.all(
                on: connection,
                at: from,
                batchSize: Self.fullLoadBatchSize,
                pacing: { pacer.pace() },
                eachBatch: { batch in
                    for record in batch {
                        recordsByKey[record.key] = record
                        pacer.pace()
                    }
                }
            )
        } catch {
            await connection.close()
            throw error
        }
        await connection.close()
        await self.hooks.afterFullLoadQuery?()
        let snapshot = TenantSnapshot(recordsByKey: consume recordsByKey, loadedAt: now, pacing: { pacer.pace() })
        let current = self.cache.currentSnapshot()
        let differingKeys = current?.keysOfChangedTenants(in: snapshot, from: from, pacing: { pacer.pace() }) ?? []
        // If the loop replaced it meanwhile, this may be the last reference to a large snapshot.
        self.cache.reclaimer.release(consume current)
        return FullSnapshotLoad(snapshot: snapshot, differingKeys: differingKeys, started: started)
    }

    /// Re-reads the keys announced during the load into the loaded snapshot, publishes it, records the
    /// load, and returns how many tenants it found different from what was served (not counting
    /// those announced during the load, which the notifications were bringing in anyway).
    private func complete(
        _ loaded: FullSnapshotLoad,
        running: FullLoadInProgress,
        inbox: ChangeInbox,
        _ connection: PostgresConnection
    ) async throws -> Int {
        var announced = running.announcedKeys
        announced.formUnion(inbox.takeKeys())
        var snapshot = loaded.snapshot
        if !announced.isEmpty {
            snapshot = try await self.reread(announced, connection, into: snapshot, loadedAt: snapshot.loadedAt)
        }
        if running.kind == .periodic, let current = self.cache.currentSnapshot(), current.loadedAt > snapshot.loadedAt {
            // The served snapshot was in sync up to its loadedAt, and every change since the load
            // started has just been re-read: the new one is in sync at least as far.
            snapshot = snapshot.stamped(loadedAt: current.loadedAt)
        }
        let changes = loaded.differingKeys.subtracting(announced).count
        let count = snapshot.count
        self.cache.publish(consume snapshot)
        let duration = ContinuousClock.now - loaded.started
        self.cache.updateStatistics { statistics in
            statistics.fullLoads += 1
            statistics.lastFullLoadDuration = duration
            statistics.isConnected = true
            switch running.kind {
            case .initial: break
            case .afterReconnect: statistics.reconnectResyncChanges += changes
            case .periodic:
                statistics.periodicResyncs += 1
                statistics.resyncCorrections += changes
            }
        }
        self.logger.debug(
            "loaded the full tenant snapshot",
            metadata: [
                "tenants": "\(count)", "duration": "\(duration)", "changed": "\(changes)",
                "reread": "\(announced.count)",
            ]
        )
        return changes
    }

    /// Reloads the announced tenants into the served snapshot, publishing each batch. While the
    /// served snapshot is stale (a first load or the resync after a reconnect is running), the reloads
    /// keep its `loadedAt`: it still lacks what changed before; with no snapshot yet there is nothing
    /// to apply to, and the keys are re-read when the load completes.
    private func reload(_ keys: Set<String>, _ connection: PostgresConnection, keepingLoadedAt: Bool) async throws {
        guard let current = self.cache.currentSnapshot() else { return }
        let loadedAt: Date? = keepingLoadedAt ? current.loadedAt : nil
        _ = try await self.reread(keys, connection, into: current, loadedAt: loadedAt, publishing: true)
        // When a change took effect, for whoever traces one (a handful of keys named, not a burst's).
        self.logger.debug(
            "applied announced tenant changes",
            metadata: ["tenants": "\(keys.count)", "keys": "\(keys.sorted().prefix(5).joined(separator: ","))"]
        )
    }

    /// Reads `keys` in batches of at most `maximumBatchSize` and applies them to `snapshot`; returns
    /// the result. `loadedAt` nil: each batch moves it to its query's instant if later.
    private func reread(
        _ keys: Set<String>,
        _ connection: PostgresConnection,
        into snapshot: TenantSnapshot,
        loadedAt: Date?,
        publishing: Bool = false
    ) async throws -> TenantSnapshot {
        var snapshot = snapshot
        let sorted = keys.sorted()
        var start = sorted.startIndex
        while start < sorted.endIndex {
            let end = min(start + self.configuration.maximumBatchSize, sorted.endIndex)
            let batch = Array(sorted[start..<end])
            let now = self.clock.now()
            let from = now.addingTimeInterval(-self.configuration.snapshotLookback.timeInterval)
            let records = try await TenantSnapshotQuery.some(batch, on: connection, at: from)
            var removals = Set(batch)
            for record in records { removals.remove(record.key) }
            snapshot = snapshot.applyingIncrementally(
                upserts: records,
                removals: removals,
                loadedAt: loadedAt ?? max(snapshot.loadedAt, now)
            )
            if publishing {
                self.cache.publish(snapshot)
            }
            self.cache.updateStatistics {
                $0.incrementalReloads += 1
                $0.reloadedTenants += batch.count
            }
            start = end
        }
        return snapshot
    }

    /// Moves `loadedAt` forward while nothing is pending and the session is healthy (see the type's documentation).
    private func stampInSync() {
        guard let current = self.cache.currentSnapshot() else { return }
        let slack = (self.configuration.heartbeatInterval + self.configuration.heartbeatTimeout).timeInterval
        let knownInSync = self.clock.now().addingTimeInterval(-slack)
        guard knownInSync > current.loadedAt else { return }
        self.cache.publish(current.stamped(loadedAt: knownInSync))
    }

    // MARK: - Logging the loss and the recovery once each

    private func recordFailure(_ error: any Error, _ progress: inout SyncProgress) {
        progress.failedAttempts += 1
        self.cache.updateStatistics { $0.connectionFailures += 1 }
        if progress.outageStartedAt == nil {
            progress.outageStartedAt = self.clock.now()
            if let snapshot = self.cache.currentSnapshot() {
                self.logger.error(
                    "lost PostgreSQL; serving the last tenant snapshot until it is back",
                    metadata: [
                        "error": "\(error)", "snapshot_loaded_at": "\(snapshot.loadedAt)",
                        "tenants": "\(snapshot.count)",
                    ]
                )
            } else {
                self.logger.error(
                    "cannot load the tenant snapshot from PostgreSQL; not ready, retrying",
                    metadata: ["error": "\(error)"]
                )
            }
        } else {
            self.logger.debug(
                "PostgreSQL still unreachable",
                metadata: ["error": "\(error)", "attempt": "\(progress.failedAttempts)"]
            )
        }
    }

    private func recordRecovery(kind: FullLoadKind, changes: Int, _ progress: inout SyncProgress) {
        if kind == .afterReconnect {
            self.cache.updateStatistics { $0.reconnects += 1 }
        }
        if let outageStartedAt = progress.outageStartedAt {
            let outage = self.clock.now().timeIntervalSince(outageStartedAt)
            self.logger.notice(
                "PostgreSQL is back; tenant snapshot reloaded",
                metadata: [
                    "failed_attempts": "\(progress.failedAttempts)",
                    "outage_seconds": "\(String(format: "%.1f", outage))",
                    "tenants_changed": "\(changes)",
                ]
            )
        } else if kind == .initial {
            self.logger.info(
                "tenant snapshot loaded; ready",
                metadata: ["tenants": "\(self.cache.currentSnapshot()?.count ?? 0)"]
            )
        }
        progress.outageStartedAt = nil
        progress.failedAttempts = 0
        progress.hasLoaded = true
    }
}

/// The run loop's memory across sessions.
private struct SyncProgress {
    /// Whether any full load has succeeded (the next one is a resync after a reconnect).
    var hasLoaded = false
    /// Failures since the last successful load; drives the backoff.
    var failedAttempts = 0
    /// When the current outage began (logged once), nil while healthy.
    var outageStartedAt: Date?
}
