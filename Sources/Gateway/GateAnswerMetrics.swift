import Metrics
import Synchronization

/// Counts the Gate's own answers by reason: `freezegate_blocked_total{reason}` for blocked requests
/// (the tenant is frozen, its licence expired, its state unknown…) and
/// `freezegate_rejected_total{reason}` for requests refused as malformed (bad host, ambiguous target).
///
/// Reasons come from `GateSummary.reason`, a bounded set; counters are created once per reason and
/// cached, so a request costs one dictionary lookup under a short lock.
final class GateAnswerMetrics: Sendable {
    private struct Key: Hashable {
        var decision: String
        var reason: String
    }

    private let counters = Mutex<[Key: Counter]>([:])

    func record(decision: String, reason: String?) {
        let name: String
        switch decision {
        case "block": name = "freezegate_blocked_total"
        case "reject": name = "freezegate_rejected_total"
        default: return
        }
        let key = Key(decision: decision, reason: reason ?? "none")
        let counter = counters.withLock { counters in
            if let counter = counters[key] { return counter }
            let counter = Counter(label: name, dimensions: [("reason", key.reason)])
            counters[key] = counter
            return counter
        }
        counter.increment()
    }
}
