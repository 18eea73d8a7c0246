/// A family of per-loop metrics as exported: its name, type, help text and, for a histogram, its
/// bucket bounds.
public struct LoopMetricFamily: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        case counter
        case histogram
    }

    public var name: String
    public var kind: Kind
    public var help: String
    /// Histogram bucket bounds in nanoseconds (empty for a counter).
    public var bounds: [Int64]

    public init(name: String, kind: Kind, help: String, bounds: [Int64] = []) {
        self.name = name
        self.kind = kind
        self.help = help
        self.bounds = bounds
    }
}
