import Dispatch
import Foundation
import ServiceLifecycle
import Synchronization

/// SIGTERM and SIGINT from before the listeners bind until the service group runs its own handlers.
///
/// The group installs its handlers only when it starts, after the listeners are up and the start
/// is announced; a signal in between found the default action and ended the process at once
/// (exit 143, no drain), although it had just said it was listening. From construction on, the
/// default action is replaced by `SIG_IGN` and a dispatch signal source remembers the signal; once
/// the group is handed over, a signal caught here asks it for the graceful shutdown it would have
/// started itself. Later signals reach the group's own handlers too, which ignore a second request.
package final class EarlyShutdownSignals: Sendable {
    private struct State {
        var requested = false
        var triggered = false
        var group: ServiceGroup?
        var sources: [any DispatchSourceSignal] = []
    }

    private let state = Mutex(State())

    /// Starts catching `signals` (the empty list in tests, which call ``caught()`` instead).
    package init(signals: [Int32] = [SIGTERM, SIGINT]) {
        let queue = DispatchQueue(label: "freezegate.early-shutdown-signals")
        self.state.withLock { state in
            for signalNumber in signals {
                signal(signalNumber, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: queue)
                source.setEventHandler { [weak self] in self?.caught() }
                source.resume()
                state.sources.append(source)
            }
        }
    }

    /// A shutdown signal arrived: passed to the group if there is one, else kept for it.
    package func caught() {
        let group = self.state.withLock { state -> ServiceGroup? in
            state.requested = true
            guard !state.triggered, let group = state.group else { return nil }
            state.triggered = true
            return group
        }
        if let group { Task { await group.triggerGracefulShutdown() } }
    }

    /// The group that runs the services: a signal caught before this asks it to shut down
    /// gracefully (it starts its services and stops them at once, as it would have on the signal).
    package func handOver(to group: ServiceGroup) async {
        let requested = self.state.withLock { state -> Bool in
            state.group = group
            guard state.requested, !state.triggered else { return false }
            state.triggered = true
            return true
        }
        if requested { await group.triggerGracefulShutdown() }
    }

    /// Stops catching the signals (the group has finished).
    package func cancel() {
        let sources = self.state.withLock { state -> [any DispatchSourceSignal] in
            defer { state.sources = [] }
            return state.sources
        }
        for source in sources { source.cancel() }
    }
}
