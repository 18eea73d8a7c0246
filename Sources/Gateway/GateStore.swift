import Gate
import Synchronization

/// The Gate in use, swappable at run time (SIGHUP reload) without stopping the listeners.
///
/// A reload replaces the Gate whole, so a request is decided entirely by the old profile or
/// entirely by the new one, never a mix. Event loops do not take the lock per request: each keeps
/// the Gate it read with its ``version`` (``GateLoopDecider``) and reads again only when the version
/// moved, so the request path touches no lock shared between loops.
package final class GateStore: Sendable {
    private let current: Mutex<Gate>
    private let replacements = Atomic<Int>(0)

    package init(_ gate: Gate) {
        self.current = Mutex(gate)
    }

    package var gate: Gate {
        current.withLock { $0 }
    }

    /// How many times the Gate was replaced: read before ``gate``, it is never newer than the Gate
    /// read after it.
    package var version: Int {
        replacements.load(ordering: .acquiring)
    }

    package func replace(with gate: Gate) {
        current.withLock { $0 = gate }
        replacements.add(1, ordering: .releasing)
    }
}
