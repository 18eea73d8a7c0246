import Foundation
import Gate
import NIOCore
import Proxy
import TenantModel
import TenantState

/// Adapts the pure `Gate` to the proxy's decision seam: the current Gate (swappable by a SIGHUP
/// reload), the live snapshot and the clock are read once per request, at the moment its head is
/// complete. Each event loop decides through its own ``GateLoopDecider``, which also counts the
/// Gate's answers; ``decide(_:)`` off the loops (tests, tools) counts nothing.
struct GateDecider: RequestDecider {
    let store: GateStore
    let snapshots: SnapshotSource
    let clock: any WallClock

    init(store: GateStore, snapshots: SnapshotSource, clock: any WallClock) {
        self.store = store
        self.snapshots = snapshots
        self.clock = clock
    }

    /// Decides with `gate` from the live cache, each event loop through its own copy of the snapshot.
    init(gate: Gate, cache: TenantStateCache, clock: any WallClock) {
        self.init(store: GateStore(gate), snapshots: .cache(cache), clock: clock)
    }

    func makeEventLoopDecider(on loop: any EventLoop) -> any EventLoopRequestDecider {
        GateLoopDecider(self, on: loop)
    }

    /// Decides with the store's current Gate and snapshot, no page cache and no counting (callers
    /// off the event loops).
    func decide(_ request: InboundRequest) -> ProxyDecision {
        self.decide(
            request,
            gate: self.store.gate,
            snapshot: self.snapshots.read(),
            pageCache: nil,
            hostCache: nil,
            answers: nil
        )
    }

    func decide(
        _ request: InboundRequest,
        gate: Gate,
        snapshot: TenantSnapshot?,
        pageCache: BlockedPageCache?,
        hostCache: HostTenantCache?,
        answers: GateAnswerMetrics?
    ) -> ProxyDecision {
        let decision = gate.decide(
            head: request.head,
            snapshot: snapshot,
            now: clock.now(),
            requestID: request.requestID,
            isTLS: request.isTLS,
            pageCache: pageCache,
            hostCache: hostCache
        )
        let summary = decision.summary
        let tags = DecisionTags(
            requestClass: summary.requestClass,
            decision: summary.decision,
            tenant: summary.tenant,
            upstreamGroup: summary.upstreamGroup
        )
        switch decision {
        case .forward(let head, _):
            return .forward(head, tags)
        case .respond(let status, let headers, let body, let closeConnection, _):
            answers?.record(decision: summary.decision, reason: summary.reason)
            let response = GatewayResponse(
                status: status,
                headers: headers,
                body: ByteBuffer(bytes: body),
                closeConnection: closeConnection
            )
            return .respond(response, tags)
        }
    }
}
