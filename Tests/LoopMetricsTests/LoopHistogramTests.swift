import Foundation
import LoopMetrics
import Testing

@Suite("a loop's histogram")
struct LoopHistogramTests {
    @Test func aValueLandsInTheFirstBucketWhoseBoundHoldsIt() {
        let histogram = LoopHistogram(bounds: [1_000, 100, 10, 100])
        #expect(histogram.bounds == [10, 100, 1_000], "sorted, without repeats")
        for value: Int64 in [0, 10, 11, 100, 1_000, 1_001, 5_000, -7] {
            histogram.record(nanoseconds: value)
        }
        let counts = histogram.read()
        // ≤10: 0, 10, -7 (as 0); ≤100: 11, 100; ≤1000: 1000; above: 1001, 5000.
        #expect(counts.buckets == [3, 2, 1, 2])
        #expect(counts.cumulative == [3, 5, 6])
        #expect(counts.count == 8)
        #expect(counts.nanoseconds == 0 + 10 + 11 + 100 + 1_000 + 1_001 + 5_000)
    }

    @Test func countsAddUpBucketByBucket() {
        var total = LoopHistogramCounts(buckets: [1, 0, 2], nanoseconds: 30)
        total.add(LoopHistogramCounts(buckets: [0, 4, 1], nanoseconds: 12))
        #expect(total == LoopHistogramCounts(buckets: [1, 4, 3], nanoseconds: 42))
    }

    /// Counted once per value and summed on reading, the `le` series can never exceed the total,
    /// whatever moment the reader picks; a cumulative layout updated bucket by bucket could.
    @Test func aReaderNeverSeesABucketAboveTheTotal() {
        let histogram = LoopHistogram(bounds: [10, 20, 30])
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            for round in 0..<100_000 { histogram.record(nanoseconds: Int64(round % 40)) }
            done.signal()
        }
        var consistent = true
        while done.wait(timeout: .now()) == .timedOut {
            let counts = histogram.read()
            if let highest = counts.cumulative.last, highest > counts.count { consistent = false }
            if counts.cumulative != counts.cumulative.sorted() { consistent = false }
        }
        #expect(consistent)
        #expect(histogram.read().count == 100_000)
    }
}
