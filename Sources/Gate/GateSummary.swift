/// What the gate decided, for logs and metrics (labels are classes and decisions, never paths).
public struct GateSummary: Sendable, Hashable {
    /// The tenant key, when the host names one.
    public let tenant: String?
    /// The request class (`admin`, `licensing`, …, `unknown`; `none` when refused before
    /// classification).
    public let requestClass: String
    /// `forward`, `block` or `reject`.
    public let decision: String
    /// `tenant_frozen`, `license_expired`, `state_unknown`, `ambiguous_target`, a host problem, or
    /// `nil` for a forwarded request.
    public let reason: String?
    /// The upstream group a forwarded request goes to (the tenant's own, else its base domain's
    /// from `upstream_routes`); nil: the default group.
    public let upstreamGroup: String?

    public init(
        tenant: String?,
        requestClass: String,
        decision: String,
        reason: String?,
        upstreamGroup: String? = nil
    ) {
        self.tenant = tenant
        self.requestClass = requestClass
        self.decision = decision
        self.reason = reason
        self.upstreamGroup = upstreamGroup
    }
}
