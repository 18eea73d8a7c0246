/// What a ``LoopHistogram`` (or several, added up) holds at one moment: the values per bucket,
/// not cumulative (one per bound, then the overflow), and their sum.
public struct LoopHistogramCounts: Sendable, Hashable {
    public var buckets: [Int]
    public var nanoseconds: Int

    public init(buckets: [Int], nanoseconds: Int) {
        self.buckets = buckets
        self.nanoseconds = nanoseconds
    }

    /// Every value recorded.
    public var count: Int {
        self.buckets.reduce(0, &+)
    }

    /// The running totals Prometheus' `le` buckets carry, one per bound (the `+Inf` one is `count`).
    public var cumulative: [Int] {
        var total = 0
        return self.buckets.dropLast().map {
            total &+= $0
            return total
        }
    }

    /// Adds another histogram's counts with the same bounds.
    public mutating func add(_ other: LoopHistogramCounts) {
        for index in self.buckets.indices where index < other.buckets.count {
            self.buckets[index] &+= other.buckets[index]
        }
        self.nanoseconds &+= other.nanoseconds
    }
}
