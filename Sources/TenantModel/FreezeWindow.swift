import Foundation

/// One freeze of a tenant as the gateway needs it: a half-open interval `[start, end)`.
///
/// `end` is the effective end (an `unfreeze` shortens it), so the gateway never has to know
/// how a freeze was ended, only when it stops counting.
public struct FreezeWindow: Sendable, Hashable {
    /// The freeze's id in `freezegate.freezes`, for logs and for applying notifications.
    public let id: Int64
    /// The first instant at which the tenant is frozen.
    public let start: Date
    /// The first instant at which the tenant is no longer frozen by this window.
    public let end: Date

    public init(id: Int64, start: Date, end: Date) {
        self.id = id
        self.start = start
        self.end = end
    }

    /// Whether `instant` lies inside the window: `start <= instant < end`, exactly like the SQL.
    public func contains(_ instant: Date) -> Bool {
        self.start <= instant && instant < self.end
    }
}
