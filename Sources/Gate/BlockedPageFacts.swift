import Foundation

/// What one blocked page says: why, about which tenant, to whom, and the instants it names.
struct BlockedPageFacts: Sendable, Hashable {
    var reason: BlockReason
    /// The tenant key, nil when the host names none known (the host is shown instead).
    var tenant: String?
    var host: String
    var audience: PageAudience
    /// The end of the running freeze.
    var until: Date?
    /// When an expired tenant's paid and frozen time ran out.
    var expiredSince: Date?
    /// When the operator's policy may remove an expired tenant's account (shown to admins only).
    var deleteAfter: Date?
    var licensingURL: String?
    /// The zone the dates are shown in: the tenant's, else the profile's.
    var timeZone: TimeZone
    /// The request's `X-Request-Id`, for support to find the request in the access log.
    var requestID: String?
    /// The request's instant (the zone's offset is named as of it when the page names no date).
    var now: Date

    init(
        reason: BlockReason,
        tenant: String?,
        host: String,
        audience: PageAudience,
        until: Date? = nil,
        expiredSince: Date? = nil,
        deleteAfter: Date? = nil,
        licensingURL: String? = nil,
        timeZone: TimeZone,
        requestID: String? = nil,
        now: Date
    ) {
        self.reason = reason
        self.tenant = tenant
        self.host = host
        self.audience = audience
        self.until = until
        self.expiredSince = expiredSince
        self.deleteAfter = deleteAfter
        self.licensingURL = licensingURL
        self.timeZone = timeZone
        self.requestID = requestID
        self.now = now
    }
}
