/// Consistent hashing (Karger et al.) with virtual points: each member owns `weight × points`
/// positions on a 64-bit ring placed by hashing its label, and a key goes to the owner of the
/// first position at or after the key's hash. A member leaving (or being skipped as ineligible)
/// moves only the keys it owned; the others keep their member. Pure and deterministic across
/// processes (FNV-1a with a 64-bit finaliser, not Swift's seeded `Hasher`).
struct ConsistentHashRing: Sendable {
    private let positions: [UInt64]
    private let owners: [Int]
    /// Distinct members, so a walk past ineligible ones stops.
    private let memberCount: Int

    /// Most positions on the ring, whatever the weights (large weights get fewer points each).
    static let maxPoints = 65_536

    /// `members[i]` is member `i`'s label and weight.
    init(members: [(label: String, weight: Int)], pointsPerWeight: Int = 160) {
        let totalWeight = members.reduce(0) { $0 + max(1, $1.weight) }
        let perWeight = max(1, min(pointsPerWeight, Self.maxPoints / max(1, totalWeight)))
        var points: [(UInt64, Int)] = []
        for (index, member) in members.enumerated() {
            for point in 0..<(max(1, member.weight) * perWeight) {
                points.append((Self.hash("\(member.label)#\(point)"), index))
            }
        }
        points.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        self.positions = points.map(\.0)
        self.owners = points.map(\.1)
        self.memberCount = members.count
    }

    /// Positions on the ring (tests).
    var pointCount: Int { self.positions.count }

    /// The member for `key`: the first eligible owner clockwise from the key's hash.
    func member(for key: String, eligible: (Int) -> Bool) -> Int? {
        guard !self.positions.isEmpty else { return nil }
        let hash = Self.hash(key)
        var low = 0
        var high = self.positions.count
        while low < high {
            let middle = (low + high) / 2
            if self.positions[middle] < hash { low = middle + 1 } else { high = middle }
        }
        var rejected: Set<Int> = []
        for step in 0..<self.positions.count {
            let owner = self.owners[(low + step) % self.positions.count]
            if rejected.contains(owner) { continue }
            if eligible(owner) { return owner }
            rejected.insert(owner)
            if rejected.count == self.memberCount { return nil }
        }
        return nil
    }

    static func hash(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        // FNV's low-entropy high bits spread out (splitmix64's finaliser).
        hash = (hash ^ (hash >> 30)) &* 0xbf58_476d_1ce4_e5b9
        hash = (hash ^ (hash >> 27)) &* 0x94d0_49bb_1331_11eb
        return hash ^ (hash >> 31)
    }
}
