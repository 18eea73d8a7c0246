import LoopMetrics

/// Counts the Gate's own answers by reason, for one event loop: `freezegate_blocked_total{reason}`
/// for blocked requests (the tenant is frozen, its licence expired, its state unknown…) and
/// `freezegate_rejected_total{reason}` for requests refused as malformed (bad host, ambiguous
/// target).
///
/// Reasons come from `GateSummary.reason`, a bounded set; each loop's decider keeps one of these
/// and its cells in the loop registry, created once per reason, so a blocked request costs one
/// dictionary lookup and no lock shared with the other loops.
final class GateAnswerMetrics {
    /// The families counted here, kept per loop.
    static let familyNames: Set<String> = ["freezegate_blocked_total", "freezegate_rejected_total"]

    private struct Key: Hashable {
        var decision: String
        var reason: String
    }

    private let registry: LoopMetricsRegistry
    private var counters: [Key: LoopCounter] = [:]

    init(registry: LoopMetricsRegistry = .shared) {
        self.registry = registry
    }

    /// Only on the owning event loop.
    func record(decision: String, reason: String?) {
        let name: String
        switch decision {
        case "block": name = "freezegate_blocked_total"
        case "reject": name = "freezegate_rejected_total"
        default: return
        }
        let key = Key(decision: decision, reason: reason ?? "none")
        if let counter = self.counters[key] {
            counter.increment()
            return
        }
        let counter = self.registry.makeCounter(name, labels: [("reason", key.reason)])
        self.counters[key] = counter
        counter.increment()
    }
}
