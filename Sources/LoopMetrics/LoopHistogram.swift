/// A latency histogram kept by one event loop: only that loop records into it, any thread may read it.
///
/// Each value is counted once, in the first bucket whose bound holds it (the last bucket takes
/// what exceeds every bound), and the cumulative `le` counts are summed when the histogram is
/// read. So a reader never sees a bucket above the total count, however it interleaves with the
/// writer, and a record costs one bucket, not one per bound as in a cumulative layout.
public final class LoopHistogram: Sendable {
    /// Upper bounds in nanoseconds, ascending.
    public let bounds: [Int64]
    /// `bounds.count + 1` counts: one per bound, then the overflow.
    @usableFromInline let buckets: [LoopCounter]
    @usableFromInline let nanoseconds = LoopCounter()

    /// - Parameter bounds: upper bounds in nanoseconds; sorted and deduplicated here.
    public init(bounds: [Int64]) {
        self.bounds = Self.normalized(bounds)
        self.buckets = (0...self.bounds.count).map { _ in LoopCounter() }
    }

    /// `bounds` sorted, without repeats.
    public static func normalized(_ bounds: [Int64]) -> [Int64] {
        Array(Set(bounds)).sorted()
    }

    /// Records one value (a negative one as 0). Only the owning event loop calls this.
    @inlinable
    public func record(nanoseconds value: Int64) {
        let value = max(0, value)
        var index = 0
        while index < self.bounds.count, value > self.bounds[index] { index += 1 }
        self.buckets[index].increment()
        self.nanoseconds.increment(by: Int(truncatingIfNeeded: value))
    }

    /// The counts now, from any thread.
    public func read() -> LoopHistogramCounts {
        LoopHistogramCounts(buckets: self.buckets.map(\.value), nanoseconds: self.nanoseconds.value)
    }
}
