import NIOHTTP1

/// Why a request was refused before it could be forwarded (400, 408, 414, 431, 505).
/// Raised by ``RequestParser`` and carried through the pipeline as an error.
public struct RequestRejection: Error, Sendable, Hashable {
    public var status: HTTPResponseStatus
    public var reason: String

    public init(_ status: HTTPResponseStatus, _ reason: String) {
        self.status = status
        self.reason = reason
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.status.code == rhs.status.code && lhs.reason == rhs.reason
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(self.status.code)
        hasher.combine(self.reason)
    }
}
