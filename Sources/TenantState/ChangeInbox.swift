import Postgres
import Synchronization
import TenantModel

/// What one listener session has to tell the sync loop: tenant keys announced and not yet reloaded,
/// whether the listener ended, a full load that has finished, and timer ticks. Producers add under a lock and wake the loop; the
/// loop takes everything pending at once, so keys announced during a reload stay pending ("dirty")
/// and are reloaded by the next round.
final class ChangeInbox: Sendable {
    struct Pending {
        var keys: Set<String> = []
        var listenerEnd: (any Error)?
        var listenerEnded = false
        var fullLoad: Result<FullSnapshotLoad, any Error>?
    }

    private let pending = Mutex(Pending())
    /// Wake-ups for the loop; at most one is buffered, since one round takes everything pending.
    let wakeUps: AsyncStream<Void>
    private let wakeUpContinuation: AsyncStream<Void>.Continuation

    init() {
        (self.wakeUps, self.wakeUpContinuation) = AsyncStream.makeStream(
            of: Void.self,
            bufferingPolicy: .bufferingNewest(1)
        )
    }

    func add(key: String) {
        self.pending.withLock { _ = $0.keys.insert(key) }
        self.wakeUpContinuation.yield()
    }

    /// The listener's stream ended: with its error, or nil when it was stopped.
    func listenerEnded(with error: (any Error)?) {
        self.pending.withLock {
            $0.listenerEnded = true
            $0.listenerEnd = error
        }
        self.wakeUpContinuation.yield()
    }

    /// A full load running beside the loop has ended, with its snapshot or its error.
    func fullLoadEnded(_ result: Result<FullSnapshotLoad, any Error>) {
        self.pending.withLock { $0.fullLoad = result }
        self.wakeUpContinuation.yield()
    }

    /// The finished full load, if any, leaving none.
    func takeFullLoad() -> Result<FullSnapshotLoad, any Error>? {
        self.pending.withLock { $0.fullLoad.take() }
    }

    func tick() {
        self.wakeUpContinuation.yield()
    }

    var pendingKeyCount: Int {
        self.pending.withLock { $0.keys.count }
    }

    /// The error to end the session with, once the listener has ended.
    var listenerFailure: (any Error)? {
        self.pending.withLock { state in
            guard state.listenerEnded else { return nil }
            return state.listenerEnd ?? PostgresError(kind: .connectionLost, message: "listener: stopped")
        }
    }

    /// Every pending key, leaving none.
    func takeKeys() -> Set<String> {
        self.pending.withLock { state in
            let keys = state.keys
            state.keys = []
            return keys
        }
    }

    func finish() {
        self.wakeUpContinuation.finish()
    }
}
