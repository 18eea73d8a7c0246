import Metrics
import Synchronization

/// The `freezegate_mail_requests` gauges: e-mail freeze requests recorded in the database, by
/// outcome and refusing SQLSTATE.
///
/// A gauge, not a counter: the figure is a count of rows that the gateway reads, not events it
/// saw, so it is the same on every gateway and does not restart at zero when a gateway does. A
/// series seen once is kept (at zero if its rows are deleted) so that it does not vanish from
/// dashboards.
final class MailRequestMetrics: Sendable {
    private struct Series: Hashable {
        var outcome: String
        var sqlState: String
    }

    private let gauges = Mutex<[Series: Gauge]>([:])

    /// The outcomes without a SQLSTATE start at 0, so that the family is there before the first
    /// read and a dashboard's series exist before the first message.
    init() {
        update(
            ["accepted", "unreadable", "unverified"].map { MailRequestCount(outcome: $0, sqlState: "", requests: 0) }
        )
    }

    func update(_ counts: [MailRequestCount]) {
        var figures: [Series: Int] = [:]
        for count in counts {
            figures[Series(outcome: count.outcome, sqlState: count.sqlState), default: 0] += count.requests
        }
        gauges.withLock { gauges in
            for series in figures.keys where gauges[series] == nil {
                gauges[series] = Gauge(
                    label: "freezegate_mail_requests",
                    dimensions: [("outcome", series.outcome), ("sqlstate", series.sqlState)]
                )
            }
            for (series, gauge) in gauges {
                gauge.record(figures[series] ?? 0)
            }
        }
    }
}
