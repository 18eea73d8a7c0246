/// One row of `freezegate.mail_request_counts()`: how many e-mail freeze requests ended one way.
struct MailRequestCount: Hashable, Sendable {
    /// accepted, refused, unreadable or unverified.
    var outcome: String
    /// The refusing rule's SQLSTATE for `refused`, else empty.
    var sqlState: String
    var requests: Int
}
