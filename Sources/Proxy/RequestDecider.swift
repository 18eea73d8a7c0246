import NIOCore

/// The seam between the transport (this module) and policy (the Gate): called once per request,
/// on the event loop, when the head is complete and before any byte goes upstream.
/// Implementations must be fast and non-blocking (they read an in-memory snapshot).
public protocol RequestDecider: EventLoopRequestDecider, Sendable {
    /// The decider `loop`'s connections call, made once per loop, on that loop. It may keep what
    /// it learns between requests without a lock; by default it is this decider.
    func makeEventLoopDecider(on loop: any EventLoop) -> any EventLoopRequestDecider
}

extension RequestDecider {
    public func makeEventLoopDecider(on loop: any EventLoop) -> any EventLoopRequestDecider { self }
}
