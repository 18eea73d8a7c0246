/// One metric family the gateway exports: its name, Prometheus type, help text and, for
/// histograms, its buckets. The catalog of these is the single source of the `# HELP` lines, so a
/// metric created anywhere through swift-metrics gets the same text as the documentation.
struct MetricDefinition: Sendable, Hashable {
    enum Kind: String, Sendable, Hashable {
        case counter
        case gauge
        case histogram
    }

    var name: String
    var kind: Kind
    var help: String
    /// The label names, in the order the code passes them (empty for an unlabelled metric).
    var labels: [String] = []
    /// Histogram bucket bounds in seconds (empty for counters and gauges).
    var buckets: [Duration] = []
}
