import Foundation

/// Everything the JSON answer to a blocked request says (``BlockedResponse/json``).
struct BlockedJSONKey: Hashable {
    let reason: BlockReason
    let tenant: String?
    let until: Date?
    let licensingURL: String?
}
