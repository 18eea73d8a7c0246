import Foundation
import TenantModel
import TestSupport
import Testing

/// The counts by condition and the span in which they hold, against counting at every instant.
@Suite struct TenantConditionCountsTests {
    let base = utc("2027-06-01T00:00:00Z")

    private func day(_ offset: Double) -> Date { self.base.addingTimeInterval(offset * 86_400) }

    private func bruteForceCounts(_ records: [TenantRecord], at instant: Date) -> [Int] {
        var counts = [0, 0, 0]
        for record in records {
            switch record.condition(at: instant) {
            case .frozen: counts[0] += 1
            case .expired: counts[1] += 1
            case .active: counts[2] += 1
            }
        }
        return counts
    }

    @Test func nextConditionChangeIsTheEarliestBoundaryAfterTheInstant() {
        let record = TenantRecord(
            key: "acme",
            paidFrom: self.day(-10),
            paidUntil: self.day(40),
            freezes: [FreezeWindow(id: 1, start: self.day(5), end: self.day(35))]
        )
        #expect(record.nextConditionChange(after: self.day(-20)) == self.day(-10))
        #expect(record.nextConditionChange(after: self.day(0)) == self.day(5))
        // A boundary at the instant itself is behind it: the condition there is already the new one.
        #expect(record.nextConditionChange(after: self.day(5)) == self.day(35))
        #expect(record.nextConditionChange(after: self.day(36)) == self.day(40))
        #expect(record.nextConditionChange(after: self.day(40)) == nil)
        #expect(TenantRecord(key: "forever", paidUntil: self.day(-1)).nextConditionChange(after: self.day(0)) == nil)
    }

    @Test func countsHoldAtEveryInstantOfTheirSpanAndChangeOnlyAtABoundary() {
        for seed in 0..<40 {
            var generator = SplitMix64(seed: UInt64(seed))
            func randomDay() -> Date { self.day(Double(Int.random(in: -60...60, using: &generator))) }
            let records = (0..<50).map { index in
                let freezes = (0..<Int.random(in: 0...3, using: &generator)).map { id in
                    let start = randomDay()
                    return FreezeWindow(id: Int64(id), start: start, end: start.addingTimeInterval(30 * 86_400))
                }
                return TenantRecord(
                    key: "t\(index)",
                    paidFrom: Bool.random(using: &generator) ? randomDay() : nil,
                    paidUntil: randomDay(),
                    freezes: freezes
                )
            }
            let snapshot = TenantSnapshot(records: records, loadedAt: self.base)
            let instant = randomDay().addingTimeInterval(Double(Int.random(in: 0..<86_400, using: &generator)))
            let counts = snapshot.conditionCounts(at: instant)
            #expect([counts.frozen, counts.expired, counts.active] == bruteForceCounts(records, at: instant))
            let boundaries = records.compactMap { $0.nextConditionChange(after: instant) }
            #expect(counts.validUntil == boundaries.min(), "seed \(seed)")
            guard let validUntil = counts.validUntil else { continue }
            // Every instant of the span gives the same counts, down to the last representable one.
            let span = validUntil.timeIntervalSince(instant)
            for fraction in [0.0, 0.25, 0.5, 0.999] {
                let inside = instant.addingTimeInterval(span * fraction)
                #expect(counts.hold(for: snapshot, at: inside))
                #expect(bruteForceCounts(records, at: inside) == bruteForceCounts(records, at: instant), "seed \(seed)")
            }
            #expect(!counts.hold(for: snapshot, at: validUntil))
        }
    }

    @Test func countsHoldForStampedCopiesOnlyAndNotForAnEarlierInstant() {
        let snapshot = TenantSnapshot(
            records: [
                TenantRecord(key: "acme", paidUntil: self.day(10)),
                TenantRecord(key: "beta", paidUntil: self.day(20)),
            ],
            loadedAt: self.base
        )
        let counts = snapshot.conditionCounts(at: self.day(1))
        #expect(counts.active == 2 && counts.validUntil == self.day(10))
        #expect(counts.hold(for: snapshot.stamped(loadedAt: self.day(2)), at: self.day(3)))
        #expect(!counts.hold(for: snapshot, at: self.day(0)))
        let changed = snapshot.applyingIncrementally(
            upserts: [TenantRecord(key: "acme", paidUntil: self.day(-1))],
            removals: [],
            loadedAt: self.day(2)
        )
        #expect(!counts.hold(for: changed, at: self.day(3)))
        #expect(changed.conditionCounts(at: self.day(3)).expired == 1)
        let reloaded = TenantSnapshot(
            records: [TenantRecord(key: "acme", paidUntil: self.day(10))],
            loadedAt: self.base
        )
        #expect(!counts.hold(for: reloaded, at: self.day(3)))
    }
}
