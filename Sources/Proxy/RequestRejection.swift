import NIOHTTP1

/// Why a request was refused before it could be forwarded (400, 408, 414, 431, 505).
/// Raised by ``RequestParser`` and carried through the pipeline as an error.
public struct RequestRejection: Error, Sendable, Hashable {
    public var status: HTTPResponseStatus
    public var reason: String
    /// The request line as received (or as much of it as came), when the refusal came while its
    /// head was read: the access log shows it, as nginx's does. Not part of equality.
    public var requestLine: [UInt8]?

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
