/// The seam between the transport (this module) and policy (the Gate): called once per request,
/// on the event loop, when the head is complete and before any byte goes upstream.
/// Implementations must be fast and non-blocking (they read an in-memory snapshot).
public protocol RequestDecider: Sendable {
    func decide(_ request: InboundRequest) -> ProxyDecision
}
