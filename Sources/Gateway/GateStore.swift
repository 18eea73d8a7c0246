import Gate
import Synchronization

/// The Gate in use, swappable at run time (SIGHUP reload) without stopping the listeners.
///
/// Every request reads the current Gate once, under a short lock; a reload replaces it whole, so a
/// request is decided entirely by the old profile or entirely by the new one, never a mix.
package final class GateStore: Sendable {
    private let current: Mutex<Gate>

    package init(_ gate: Gate) {
        self.current = Mutex(gate)
    }

    package var gate: Gate {
        current.withLock { $0 }
    }

    package func replace(with gate: Gate) {
        current.withLock { $0 = gate }
    }
}
