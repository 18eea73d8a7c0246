import HTTPHead
import NIOHTTP1

/// What the proxy does with a request.
public enum GateDecision: Sendable {
    /// Forward this head (the original one, minus routing-override headers, in origin form).
    case forward(RequestHead, GateSummary)
    /// Answer with this response; nothing of the request reaches the upstream (its body is
    /// discarded). `closeConnection` after a 400.
    case respond(
        status: HTTPResponseStatus,
        headers: HTTPHeaders,
        body: [UInt8],
        closeConnection: Bool,
        summary: GateSummary
    )

    public var summary: GateSummary {
        switch self {
        case .forward(_, let summary): summary
        case .respond(_, _, _, _, let summary): summary
        }
    }
}
