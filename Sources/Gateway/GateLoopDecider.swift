import Gate
import Proxy

/// One event loop's decider: keeps the Gate it last read (read again only when a reload moved the
/// store's version) and the blocked pages it rendered, so that deciding takes no lock shared with
/// other loops and a frozen school's page is rendered once per loop, not per request.
final class GateLoopDecider: EventLoopRequestDecider {
    private let shared: GateDecider
    private var gate: Gate
    private var gateVersion: Int
    let pages = BlockedPageCache()

    init(_ shared: GateDecider) {
        self.shared = shared
        self.gateVersion = shared.store.version
        self.gate = shared.store.gate
    }

    func decide(_ request: InboundRequest) -> ProxyDecision {
        let version = self.shared.store.version
        if version != self.gateVersion {
            self.gateVersion = version
            self.gate = self.shared.store.gate
        }
        return self.shared.decide(request, gate: self.gate, pageCache: self.pages)
    }
}
