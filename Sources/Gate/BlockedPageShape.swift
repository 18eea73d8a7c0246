/// What decides which parts of a blocked page's template are rendered: the booleans and the
/// presence of each value it is given (a Mustache section tests a value's presence, never its
/// text). Whether a template puts the request ID in verbatim is a property of the template and
/// this shape, so it is checked once per shape (``BlockedPageCache``), not once per page: a page
/// not seen before then costs one render, however many tenants, dates or Licensing links there are.
struct BlockedPageShape: Hashable {
    let reason: BlockReason
    let audience: PageAudience
    let english: Bool
    let hasUntil: Bool
    let hasExpiredSince: Bool
    let hasDeleteAfter: Bool
    let hasLicensingURL: Bool

    init(_ facts: BlockedPageFacts, english: Bool) {
        self.reason = facts.reason
        self.audience = facts.audience
        self.english = english
        self.hasUntil = facts.until != nil
        self.hasExpiredSince = facts.expiredSince != nil
        self.hasDeleteAfter = facts.deleteAfter != nil
        self.hasLicensingURL = !(facts.licensingURL ?? "").isEmpty
    }
}
