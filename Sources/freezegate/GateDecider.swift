import Foundation
import Gate
import NIOCore
import Proxy
import TenantState

/// Adapts the pure `Gate` to the proxy's decision seam: the live snapshot and the clock are read once
/// per request, at the moment its head is complete.
struct GateDecider: RequestDecider {
    let gate: Gate
    let snapshot: @Sendable () -> TenantSnapshot?
    let clock: any WallClock

    func decide(_ request: InboundRequest) -> ProxyDecision {
        let decision = gate.decide(head: request.head, snapshot: snapshot(), now: clock.now())
        let summary = decision.summary
        let tags = DecisionTags(requestClass: summary.requestClass, decision: summary.decision, tenant: summary.tenant)
        switch decision {
        case .forward(let head, _):
            return .forward(head, tags)
        case .respond(let status, let headers, let body, let closeConnection, _):
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
