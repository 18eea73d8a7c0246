import Foundation

/// Everything a blocked page says but the request ID: two requests with equal keys get the same
/// page, up to the ID in its footer. The facts themselves are the key (a fact added later is part
/// of it), less what differs per request: the ID is reduced to whether there is one, the instant
/// to the zone's offset at it when the page names no date of its own (the offset is then named as
/// of the request).
struct BlockedPageKey: Hashable {
    let facts: BlockedPageFacts
    let offsetNow: Int?
    let english: Bool

    init(_ facts: BlockedPageFacts, english: Bool) {
        var shared = facts
        shared.requestID = (facts.requestID ?? "").isEmpty ? nil : ""
        shared.now = Date(timeIntervalSince1970: 0)
        self.facts = shared
        self.offsetNow =
            facts.until == nil && facts.expiredSince == nil ? facts.timeZone.secondsFromGMT(for: facts.now) : nil
        self.english = english
    }
}
