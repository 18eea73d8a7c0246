import Testing

@testable import Proxy

@Suite("Upstream balancer (pure)")
struct UpstreamBalancerTests {
    func servers(_ weights: [Int]) -> [(label: String, weight: Int)] {
        weights.enumerated().map { ("10.0.0.\($0.offset + 1):8000", $0.element) }
    }

    func picks(_ balancer: inout UpstreamBalancer, _ count: Int, eligible: (Int) -> Bool = { _ in true }) -> [Int?] {
        (0..<count).map { _ in balancer.choose(tenant: nil, eligible: eligible, load: { _ in 0 }) }
    }

    @Test func roundRobinTakesTurns() {
        var balancer = UpstreamBalancer(policy: .roundRobin, servers: self.servers([1, 1, 1]))
        #expect(self.picks(&balancer, 6) == [0, 1, 2, 0, 1, 2])
    }

    @Test func smoothWeightedRoundRobinInterleaves() {
        var balancer = UpstreamBalancer(policy: .roundRobin, servers: self.servers([5, 1, 1]))
        #expect(self.picks(&balancer, 7) == [0, 0, 1, 0, 2, 0, 0])
    }

    @Test func roundRobinSkipsServersThatAreOut() {
        var balancer = UpstreamBalancer(policy: .roundRobin, servers: self.servers([1, 1, 1]))
        #expect(self.picks(&balancer, 4, eligible: { $0 != 1 }) == [0, 2, 0, 2])
        #expect(self.picks(&balancer, 1, eligible: { _ in false }) == [nil])
    }

    @Test func leastConnectionsPrefersTheIdlestServerRelativeToItsWeight() {
        var balancer = UpstreamBalancer(policy: .leastConnections, servers: self.servers([1, 1, 2]))
        let loads = [3, 1, 3]
        // 3/1, 1/1, 3/2: the second.
        let value1 = balancer.choose(tenant: nil, eligible: { _ in true }, load: { loads[$0] })
        #expect(value1 == 1)
        // Out of service, the second is skipped: 3/2 beats 3/1.
        let value2 = balancer.choose(tenant: nil, eligible: { $0 != 1 }, load: { loads[$0] })
        #expect(value2 == 2)
    }

    @Test func leastConnectionsTakesTurnsAmongEquals() {
        var balancer = UpstreamBalancer(policy: .leastConnections, servers: self.servers([1, 1, 1]))
        let picks = (0..<6).map { _ in balancer.choose(tenant: nil, eligible: { _ in true }, load: { _ in 0 }) }
        #expect(Set(picks.compactMap { $0 }) == [0, 1, 2])
    }

    @Test func tenantHashIsStickyAndFallsBackToRoundRobinWithoutATenant() {
        var balancer = UpstreamBalancer(policy: .tenantHash, servers: self.servers([1, 1, 1]))
        let first = balancer.choose(tenant: "acme", eligible: { _ in true }, load: { _ in 0 })
        for _ in 0..<20 {
            let value3 = balancer.choose(tenant: "acme", eligible: { _ in true }, load: { _ in 0 })
            #expect(value3 == first)
        }
        let spread = Set(
            (0..<20).map { "school-\($0)" }.compactMap {
                balancer.choose(tenant: $0, eligible: { _ in true }, load: { _ in 0 })
            }
        )
        #expect(spread.count > 1)
        #expect(self.picks(&balancer, 3).compactMap { $0 }.count == 3)
        // Its server out, the tenant goes elsewhere, and back when it returns.
        let elsewhere = balancer.choose(tenant: "acme", eligible: { $0 != first }, load: { _ in 0 })
        #expect(elsewhere != nil && elsewhere != first)
        let value4 = balancer.choose(tenant: "acme", eligible: { _ in true }, load: { _ in 0 })
        #expect(value4 == first)
    }
}
