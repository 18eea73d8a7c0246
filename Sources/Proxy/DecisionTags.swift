/// Low-cardinality labels describing a decision, for access logs and metrics (never raw paths).
public struct DecisionTags: Sendable, Hashable {
    /// The request class (`admin`, `api`, … or `unclassified` when nothing classified it).
    public var requestClass: String
    /// What was decided (`forward`, `block`, `reject`, …).
    public var decision: String
    /// The tenant key when one was resolved (`tenant_hash` balances on it).
    public var tenant: String?
    /// The upstream group a forwarded request goes to; nil: the default group.
    public var upstreamGroup: String?

    public init(requestClass: String, decision: String, tenant: String? = nil, upstreamGroup: String? = nil) {
        self.requestClass = requestClass
        self.decision = decision
        self.tenant = tenant
        self.upstreamGroup = upstreamGroup
    }

    /// Tags used when the proxy itself answers (malformed framing, upstream failures).
    public static let gateway = DecisionTags(requestClass: "none", decision: "gateway")
}
