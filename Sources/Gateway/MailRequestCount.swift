/// One row of `freezegate.mail_request_counts()`: how many e-mail freeze requests ended one way.
package struct MailRequestCount: Hashable, Sendable {
    /// accepted, refused, unreadable or unverified.
    package var outcome: String
    /// The refusing rule's SQLSTATE for `refused`, else empty.
    package var sqlState: String
    package var requests: Int
}
