import Foundation
import TestSupport
import Testing

@testable import TenantModel

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

    private func figures(_ counts: TenantConditionCounts) -> [Int] { [counts.frozen, counts.expired, counts.active] }

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

    @Test func countsAfterChangesReuseTheBaseTableCountAndEqualAFullCount() {
        for seed in 0..<40 {
            var generator = SplitMix64(seed: UInt64(seed))
            func randomDay() -> Date { self.day(Double(Int.random(in: -60...60, using: &generator))) }
            func randomRecord(_ key: String) -> TenantRecord {
                let freezes = (0..<Int.random(in: 0...2, using: &generator)).map { id in
                    let start = randomDay()
                    return FreezeWindow(id: Int64(id), start: start, end: start.addingTimeInterval(30 * 86_400))
                }
                return TenantRecord(
                    key: key,
                    paidFrom: Bool.random(using: &generator) ? randomDay() : nil,
                    paidUntil: randomDay(),
                    freezes: freezes
                )
            }
            var snapshot = TenantSnapshot(records: (0..<60).map { randomRecord("t\($0)") }, loadedAt: self.base)
            var instant = self.day(Double(Int.random(in: -60...0, using: &generator)))
            var counts = snapshot.conditionCounts(at: instant)
            for step in 0..<8 {
                // Upserts of existing and new keys, and removals: an overlay over the same base table.
                let upserts = (0..<Int.random(in: 0...4, using: &generator)).map { _ in
                    randomRecord("t\(Int.random(in: 0..<70, using: &generator))")
                }
                let removals = Set(
                    (0..<Int.random(in: 0...2, using: &generator)).map { _ in
                        "t\(Int.random(in: 0..<70, using: &generator))"
                    }
                ).subtracting(upserts.map(\.key))
                snapshot = snapshot.applyingIncrementally(upserts: upserts, removals: removals, loadedAt: self.base)
                instant = instant.addingTimeInterval(Double(Int.random(in: 0...(4 * 86_400), using: &generator)))
                let reused = snapshot.conditionCounts(at: instant, reusing: counts)
                let full = snapshot.conditionCounts(at: instant)
                let records = Array(snapshot.records)
                #expect(
                    figures(reused) == bruteForceCounts(records, at: instant),
                    "seed \(seed) step \(step)"
                )
                #expect(figures(reused) == figures(full))
                // The span may end earlier than a full count's (a replaced record's boundary), never later.
                if let fullEnd = full.validUntil {
                    #expect(reused.validUntil.map { $0 <= fullEnd } == true, "seed \(seed) step \(step)")
                }
                if let end = reused.validUntil {
                    #expect(end > instant)
                    let last = end.addingTimeInterval(-1)
                    #expect(
                        bruteForceCounts(records, at: last) == bruteForceCounts(records, at: instant),
                        "seed \(seed)"
                    )
                }
                // The base table was walked again only when its own counts had run out.
                #expect(
                    (reused.table == counts.table) == counts.table.hold(forTables: counts.table.tablesID, at: instant)
                )
                counts = reused
            }
        }
    }

    /// The walk of the base table offers its pace once per record; counts reused from the last walk
    /// walk nothing, so they offer none.
    @Test func aFullWalkPacesOncePerRecordAndAReusedCountNever() {
        let snapshot = TenantSnapshot(
            records: (0..<25).map { TenantRecord(key: "t\($0)", paidUntil: self.day(30)) },
            loadedAt: self.base
        )
        var paces = 0
        let counts = snapshot.conditionCounts(at: self.day(1), pacing: { paces += 1 })
        #expect(paces == 25)
        #expect(counts.active == 25)
        paces = 0
        let reused = snapshot.conditionCounts(at: self.day(2), reusing: counts, pacing: { paces += 1 })
        #expect(paces == 0)
        #expect(reused.active == 25)
    }

    @Test func aChangeIsCountedFromTheOverlayAloneAndAReloadOrAFoldCountsTheTableAgain() {
        let snapshot = TenantSnapshot(
            records: (0..<10).map { TenantRecord(key: "t\($0)", paidUntil: self.day(30)) },
            loadedAt: self.base
        )
        let counts = snapshot.conditionCounts(at: self.day(1))
        #expect(counts.active == 10 && counts.table.countedAt == self.day(1))
        let frozen = snapshot.applyingIncrementally(
            upserts: [
                TenantRecord(
                    key: "t3",
                    paidUntil: self.day(30),
                    freezes: [FreezeWindow(id: 1, start: self.day(0), end: self.day(35))]
                )
            ],
            removals: ["t4"],
            loadedAt: self.day(2)
        )
        let afterChange = frozen.conditionCounts(at: self.day(2), reusing: counts)
        #expect(figures(afterChange) == [1, 0, 8])
        #expect(afterChange.table == counts.table)
        #expect(afterChange.validUntil == self.day(30))
        // Past the base table's span its counts no longer hold: counted again.
        let later = frozen.conditionCounts(at: self.day(31), reusing: afterChange)
        #expect(figures(later) == [1, 8, 0])
        #expect(later.table.countedAt == self.day(31))
        // A reload is a new table, whatever the counts offered.
        let reloaded = TenantSnapshot(records: Array(frozen.records), loadedAt: self.day(2))
        #expect(reloaded.conditionCounts(at: self.day(2), reusing: afterChange).table.tablesID != counts.table.tablesID)
        // So is a fold of the overlay into a new base table.
        let folded = frozen.applyingIncrementally(
            upserts: (0..<TenantSnapshot.overlayLimit).map { TenantRecord(key: "n\($0)", paidUntil: self.day(30)) },
            removals: [],
            loadedAt: self.day(2)
        )
        #expect(folded.overlayCount == 0)
        let foldedCounts = folded.conditionCounts(at: self.day(2), reusing: afterChange)
        #expect(foldedCounts.table.tablesID != counts.table.tablesID)
        #expect(foldedCounts.active == 8 + TenantSnapshot.overlayLimit && foldedCounts.frozen == 1)
    }
}
