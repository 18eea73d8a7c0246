/// Chooses a server of one group for each request, as a value: one per group per event loop, so
/// choosing takes no lock. Which servers may be chosen (health, the server a retry avoids) and
/// their load are passed in, so every policy is tested without I/O.
struct UpstreamBalancer {
    let policy: UpstreamBalancingPolicy
    let weights: [Int]
    /// Smooth weighted round robin's running weights.
    private var current: [Int]
    /// Where ties of least connections start, so equal servers take turns.
    private var cursor = 0
    private let ring: ConsistentHashRing?

    /// `servers`: the group's servers' labels and weights, in the group's order.
    init(policy: UpstreamBalancingPolicy, servers: [(label: String, weight: Int)]) {
        self.policy = policy
        self.weights = servers.map { max(1, $0.weight) }
        self.current = Array(repeating: 0, count: servers.count)
        self.ring = policy == .tenantHash ? ConsistentHashRing(members: servers) : nil
    }

    var count: Int { self.weights.count }

    /// The position (in the group) of the server for this request, or nil when none is eligible.
    /// `load`: the server's active connections on this loop (least connections only).
    mutating func choose(tenant: String?, eligible: (Int) -> Bool, load: (Int) -> Int) -> Int? {
        switch self.policy {
        case .roundRobin:
            return self.smoothRoundRobin(eligible: eligible)
        case .leastConnections:
            return self.leastConnections(eligible: eligible, load: load)
        case .tenantHash:
            guard let tenant, let ring = self.ring else { return self.smoothRoundRobin(eligible: eligible) }
            return ring.member(for: tenant, eligible: eligible)
        }
    }

    /// nginx's smooth weighted round robin: every eligible server gains its weight, the one with
    /// the most goes and loses the total. Weights 5,1,1 give a a b a c a a, not a a a a a b c.
    private mutating func smoothRoundRobin(eligible: (Int) -> Bool) -> Int? {
        var best: Int?
        var total = 0
        for index in self.weights.indices where eligible(index) {
            self.current[index] += self.weights[index]
            total += self.weights[index]
            if best.map({ self.current[index] > self.current[$0] }) ?? true { best = index }
        }
        guard let best else { return nil }
        self.current[best] -= total
        return best
    }

    private mutating func leastConnections(eligible: (Int) -> Bool, load: (Int) -> Int) -> Int? {
        var best: Int?
        var bestLoad = 0
        let count = self.weights.count
        guard count > 0 else { return nil }
        for step in 0..<count {
            let index = (self.cursor + step) % count
            guard eligible(index) else { continue }
            let candidate = load(index)
            // candidate / weight < bestLoad / bestWeight, without division.
            if let current = best {
                guard candidate * self.weights[current] < bestLoad * self.weights[index] else { continue }
            }
            best = index
            bestLoad = candidate
        }
        self.cursor = (self.cursor + 1) % count
        return best
    }
}
