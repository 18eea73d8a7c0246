import Foundation
import Logging
import Postgres
import ServiceLifecycle

/// Keeps a `TenantStateCache` in step with PostgreSQL: LISTEN, full load, then notifications.
///
/// One session is: the listener connects and `LISTEN`s (confirmed), then a second connection loads
/// the full snapshot, then the cache is ready, then announced tenant keys are coalesced for a short
/// window and reloaded in batches: the first change after a quiet spell is reloaded at once, and in a
/// burst reloads start at most once per `coalescingWindow`, each taking every key announced meanwhile. Because `LISTEN` comes first, a change committed while the full
/// load runs is announced to the listener and reloaded afterwards; it cannot fall between the two.
/// Any failure (listener lost or heartbeat unanswered, query failed) ends the session; the next one
/// starts after an exponential backoff with jitter, `LISTEN` first again, then a full resync, which
/// applies whatever changed while disconnected. A full resync every `fullResyncInterval` is the
/// backstop; what it finds different is counted. While disconnected the last snapshot stays in use;
/// the loss and the recovery are logged once each.
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
            self.cache.updateStatistics { $0.isConnected = false }
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
                try await self.consume(inbox, connection: connection, progress: &progress)
            } catch {
                await connection.close()
                throw error
            }
            await connection.close()
            group.cancelAll()
        }
    }

    /// The full load, then notifications until the session fails or the task is cancelled.
    private func consume(
        _ inbox: ChangeInbox,
        connection: PostgresConnection,
        progress: inout SyncProgress
    ) async throws {
        let kind: FullLoadKind = progress.hasLoaded ? .afterReconnect : .initial
        let changes = try await self.fullLoad(connection, kind: kind)
        self.recordRecovery(kind: kind, changes: changes, &progress)

        let continuousClock = ContinuousClock()
        var nextResync = continuousClock.now.advanced(by: self.configuration.fullResyncInterval)
        var lastReloadStarted: ContinuousClock.Instant?
        for await _ in inbox.wakeUps {
            if Task.isCancelled { return }
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
                try await self.reload(inbox.takeKeys(), connection)
            }
            if continuousClock.now >= nextResync {
                let corrected = try await self.fullLoad(connection, kind: .periodic)
                if corrected > 0 {
                    self.logger.warning(
                        "periodic resync corrected tenants that notifications had missed",
                        metadata: ["corrected": "\(corrected)"]
                    )
                }
                nextResync = continuousClock.now.advanced(by: self.configuration.fullResyncInterval)
            } else if inbox.pendingKeyCount == 0 {
                self.stampInSync()
            }
        }
    }

    private enum FullLoadKind {
        case initial, afterReconnect, periodic
    }

    /// Loads every tenant and publishes the snapshot; returns how many tenants differ from the previous one.
    private func fullLoad(_ connection: PostgresConnection, kind: FullLoadKind) async throws -> Int {
        let started = ContinuousClock.now
        let now = self.clock.now()
        let from = now.addingTimeInterval(-self.configuration.snapshotLookback.timeInterval)
        let records = try await TenantSnapshotQuery.all(on: connection, at: from)
        await self.hooks.afterFullLoadQuery?()
        let snapshot = TenantSnapshot(records: records, loadedAt: now)
        let changes = self.cache.currentSnapshot()?.countOfChangedTenants(in: snapshot, from: from) ?? 0
        self.cache.publish(snapshot)
        let duration = ContinuousClock.now - started
        self.cache.updateStatistics { statistics in
            statistics.fullLoads += 1
            statistics.lastFullLoadDuration = duration
            statistics.isConnected = true
            switch kind {
            case .initial: break
            case .afterReconnect: statistics.reconnectResyncChanges += changes
            case .periodic:
                statistics.periodicResyncs += 1
                statistics.resyncCorrections += changes
            }
        }
        self.logger.debug(
            "loaded the full tenant snapshot",
            metadata: ["tenants": "\(snapshot.count)", "duration": "\(duration)", "changed": "\(changes)"]
        )
        return changes
    }

    /// Reloads the announced tenants, in batches of at most `maximumBatchSize` keys.
    private func reload(_ keys: Set<String>, _ connection: PostgresConnection) async throws {
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
            if let current = self.cache.currentSnapshot() {
                let loadedAt = max(current.loadedAt, now)
                self.cache.publish(
                    current.applyingIncrementally(upserts: records, removals: removals, loadedAt: loadedAt)
                )
            }
            self.cache.updateStatistics {
                $0.incrementalReloads += 1
                $0.reloadedTenants += batch.count
            }
            start = end
        }
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
