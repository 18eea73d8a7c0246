import HTTPHead
import NIOHTTP1

/// The verdict of a ``RequestDecider`` for one request head.
public enum ProxyDecision: Sendable {
    /// Forward this (possibly rewritten) head upstream; the body follows as received.
    case forward(RequestHead, DecisionTags)
    /// Answer with this response; the request body is read and discarded, never sent upstream.
    case respond(GatewayResponse, DecisionTags)
}
