/// One family's series as read at a scrape, each series added up over the event loops that keep it,
/// keyed by its rendered labels (`class="admin",status="2xx"`, empty for none).
public struct LoopFamilyReading: Sendable, Hashable {
    public enum Values: Sendable, Hashable {
        case counter([String: Int])
        case histogram(bounds: [Int64], [String: LoopHistogramCounts])
    }

    public var family: LoopMetricFamily
    public var values: Values

    public init(family: LoopMetricFamily, values: Values) {
        self.family = family
        self.values = values
    }
}
