/// Forwards every request unchanged: the proxy's behaviour before the Gate is wired in.
public struct ForwardAllDecider: RequestDecider {
    public init() {}

    public func decide(_ request: InboundRequest) -> ProxyDecision {
        .forward(request.head, DecisionTags(requestClass: "unclassified", decision: "forward"))
    }
}
