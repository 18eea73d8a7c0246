import Gate
import NIOCore
import Proxy
import TenantModel
import TenantState

/// One event loop's decider: keeps the Gate it last read (read again only when a reload moved the
/// store's version), its own copy of the tenant snapshot (taken again only when the cache published
/// a new one), the tenants it found by host and the blocked pages it rendered, so that deciding
/// takes no lock shared with other loops, a school's host is looked up once per snapshot and its
/// page rendered once per loop, not per request.
final class GateLoopDecider: EventLoopRequestDecider {
    private let shared: GateDecider
    private var gate: Gate
    private var gateVersion: Int
    /// The loop's snapshot copy when deciding from the live cache (nil: read per request).
    private let snapshotCopy: TenantSnapshotCopy?
    /// Keeps the cache's observer alive as long as this decider (the cache holds it weakly).
    private let refresher: LoopSnapshotRefresher?
    let pages = BlockedPageCache()
    let hosts = HostTenantCache()
    let answers = GateAnswerMetrics()

    /// Made on `loop`, the one loop it serves.
    init(_ shared: GateDecider, on loop: any EventLoop) {
        self.shared = shared
        self.gateVersion = shared.store.version
        self.gate = shared.store.gate
        switch shared.snapshots {
        case .cache(let cache):
            let copy = TenantSnapshotCopy(of: cache)
            let refresher = LoopSnapshotRefresher(NIOLoopBound(copy, eventLoop: loop))
            cache.addObserver(refresher)
            self.snapshotCopy = copy
            self.refresher = refresher
        case .reading:
            self.snapshotCopy = nil
            self.refresher = nil
        }
    }

    func decide(_ request: InboundRequest) -> ProxyDecision {
        let version = self.shared.store.version
        if version != self.gateVersion {
            self.gateVersion = version
            self.gate = self.shared.store.gate
        }
        let snapshot: TenantSnapshot?
        if let copy = self.snapshotCopy {
            snapshot = copy.current()
        } else {
            snapshot = self.shared.snapshots.read()
        }
        return self.shared.decide(
            request,
            gate: self.gate,
            snapshot: snapshot,
            pageCache: self.pages,
            hostCache: self.hosts,
            answers: self.answers
        )
    }
}
