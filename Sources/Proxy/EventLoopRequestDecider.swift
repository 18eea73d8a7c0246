/// A ``RequestDecider`` as one event loop uses it: called only on that loop, so it needs not be
/// Sendable and may keep per-loop state (caches, the last configuration read) without locks.
public protocol EventLoopRequestDecider {
    func decide(_ request: InboundRequest) -> ProxyDecision
}
