import Foundation

/// The access policy's verdict.
public enum AccessDecision: Sendable, Hashable {
    case forward
    /// Answer with the blocked response: why, until when (a freeze's end; `nil` for an expired
    /// licence) and the Licensing link for classes that offer it.
    case block(reason: BlockReason, until: Date?, licensingURL: String?)
    /// Answer with this status (400: a frozen tenant's ambiguous target with no blocked reading).
    case reject(status: Int)
}
