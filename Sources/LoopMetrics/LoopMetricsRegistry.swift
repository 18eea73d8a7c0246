import Synchronization

/// Every per-loop counter and histogram of the process, added up when `/metrics` is read.
///
/// The request path never comes here: an event loop asks for its own cell of a series once (the
/// lock is taken then, and at each scrape) and keeps it. Several loops' cells of one series are
/// exported as one series, their sum; a series declared at start and not yet counted by any loop
/// is exported at 0. Cells are never removed, so a series only grows, as a counter must.
public final class LoopMetricsRegistry: Sendable {
    /// The process-wide registry `serve` exports (tests share it, as they share swift-metrics').
    public static let shared = LoopMetricsRegistry()

    private struct State {
        var families: [String: LoopMetricFamily] = [:]
        var counters: [String: [String: [LoopCounter]]] = [:]
        var histograms: [String: [String: [LoopHistogram]]] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    /// Gives families their help text and (histograms) bounds; call before their cells are made.
    public func describe(_ families: [LoopMetricFamily]) {
        self.state.withLock { state in
            for family in families { state.families[family.name] = family }
        }
    }

    /// A series that exists from the start at 0, before any loop counts it.
    public func declareCounter(_ name: String, labels: [(String, String)]) {
        let key = LoopMetricsText.labels(labels)
        self.state.withLock { state in
            Self.ensureCounterFamily(name, in: &state)
            state.counters[name, default: [:]][key, default: []] += []
        }
    }

    /// A new cell of the counter series `name{labels}` for the calling event loop to keep.
    public func makeCounter(_ name: String, labels: [(String, String)]) -> LoopCounter {
        let key = LoopMetricsText.labels(labels)
        let counter = LoopCounter()
        self.state.withLock { state in
            Self.ensureCounterFamily(name, in: &state)
            state.counters[name, default: [:]][key, default: []].append(counter)
        }
        return counter
    }

    /// A new cell of the histogram series `name{labels}` for the calling event loop to keep, with
    /// the family's bounds (`defaultBounds` for a family not described).
    public func makeHistogram(_ name: String, labels: [(String, String)], defaultBounds: [Int64]) -> LoopHistogram {
        let key = LoopMetricsText.labels(labels)
        return self.state.withLock { state in
            var family = state.families[name] ?? LoopMetricFamily(name: name, kind: .histogram, help: "")
            if family.bounds.isEmpty {
                family.bounds = LoopHistogram.normalized(defaultBounds)
                state.families[name] = family
            }
            let histogram = LoopHistogram(bounds: family.bounds)
            state.histograms[name, default: [:]][key, default: []].append(histogram)
            return histogram
        }
    }

    /// Every family read now and added up over the loops, ordered by name.
    public func read() -> [LoopFamilyReading] {
        let (families, counters, histograms) = self.state.withLock { ($0.families, $0.counters, $0.histograms) }
        var readings: [LoopFamilyReading] = []
        for name in Set(counters.keys).union(histograms.keys).sorted() {
            guard let family = families[name] else { continue }
            if let series = counters[name] {
                let values = series.mapValues { cells in cells.reduce(0) { $0 &+ $1.value } }
                readings.append(LoopFamilyReading(family: family, values: .counter(values)))
            } else if let series = histograms[name] {
                let bounds = LoopHistogram.normalized(family.bounds)
                let values = series.mapValues { cells in
                    let empty = Array(repeating: 0, count: bounds.count + 1)
                    var total = LoopHistogramCounts(buckets: empty, nanoseconds: 0)
                    for cell in cells { total.add(cell.read()) }
                    return total
                }
                readings.append(LoopFamilyReading(family: family, values: .histogram(bounds: bounds, values)))
            }
        }
        return readings
    }

    /// ``read()`` in the Prometheus text format.
    public func render() -> String {
        LoopMetricsText.render(self.read())
    }

    private static func ensureCounterFamily(_ name: String, in state: inout State) {
        guard state.families[name] == nil else { return }
        state.families[name] = LoopMetricFamily(name: name, kind: .counter, help: "")
    }
}
