import Testing

@testable import Proxy

@Suite("Consistent hash ring (pure)")
struct ConsistentHashRingTests {
    static let labels = ["10.0.0.1:8000", "10.0.0.2:8000", "10.0.0.3:8000"]
    static let keys = (0..<3000).map { "school-\($0)" }

    func assignment(_ labels: [String], weights: [Int]? = nil) -> [String: String] {
        let ring = ConsistentHashRing(
            members: labels.enumerated().map { ($0.element, weights?[$0.offset] ?? 1) }
        )
        var result: [String: String] = [:]
        for key in Self.keys {
            if let member = ring.member(for: key, eligible: { _ in true }) { result[key] = labels[member] }
        }
        return result
    }

    @Test func theSameKeyAlwaysGoesToTheSameMember() {
        #expect(self.assignment(Self.labels) == self.assignment(Self.labels))
        // Order of the list does not matter: members are placed by label.
        #expect(self.assignment(Self.labels) == self.assignment(Self.labels.reversed()))
    }

    @Test func keysSpreadRoughlyEvenly() {
        let counts = Dictionary(grouping: self.assignment(Self.labels).values, by: { $0 }).mapValues(\.count)
        for label in Self.labels {
            let share = Double(counts[label] ?? 0) / Double(Self.keys.count)
            #expect(share > 0.25 && share < 0.42, "\(label): \(share)")
        }
    }

    @Test func removingAMemberMovesOnlyItsKeys() {
        let before = self.assignment(Self.labels)
        let after = self.assignment(Array(Self.labels.dropLast()))
        var moved = 0
        for key in Self.keys where before[key] != after[key] {
            moved += 1
            #expect(before[key] == Self.labels[2], "\(key) moved though its member stayed")
        }
        // About 1/N of the keys move (N = 3).
        let share = Double(moved) / Double(Self.keys.count)
        #expect(share > 0.25 && share < 0.42, "\(share)")
    }

    @Test func anIneligibleMemberIsSkippedLikeARemovedOne() {
        let ring = ConsistentHashRing(members: Self.labels.map { ($0, 1) })
        let smaller = self.assignment(Array(Self.labels.dropLast()))
        for key in Self.keys {
            let member = ring.member(for: key, eligible: { $0 != 2 })
            #expect(member.map { Self.labels[$0] } == smaller[key])
        }
        #expect(ring.member(for: "x", eligible: { _ in false }) == nil)
    }

    @Test func largeWeightsDoNotGrowTheRingWithoutBound() {
        let ring = ConsistentHashRing(members: (0..<20).map { ("10.0.0.\($0):8000", 1000) })
        #expect(ring.pointCount <= ConsistentHashRing.maxPoints)
        #expect(ring.pointCount >= 20 * 1000)
        let small = ConsistentHashRing(members: [("a:1", 1), ("b:1", 2)])
        #expect(small.pointCount == 3 * 160)
    }

    @Test func weightsScaleTheShare() {
        let counts = Dictionary(
            grouping: self.assignment(Array(Self.labels.prefix(2)), weights: [3, 1]).values,
            by: { $0 }
        ).mapValues(\.count)
        let heavy = Double(counts[Self.labels[0]] ?? 0) / Double(Self.keys.count)
        #expect(heavy > 0.65 && heavy < 0.85, "\(heavy)")
    }
}
