import HTTPHead
import NIOCore
import NIOHTTP1

/// What the proxy knows about a request at the moment its head is complete, before any byte of it
/// goes upstream: the decision seam hands exactly this to a ``RequestDecider``.
public struct InboundRequest: Sendable {
    /// The request head as received (strictly validated framing, headers in order, repeats kept).
    public var head: RequestHead
    /// The TCP peer, used for `X-Forwarded-For` and trusted-proxy checks.
    public var remoteAddress: SocketAddress?
    /// Whether the client connection is TLS (the gateway itself speaks plain HTTP today).
    public var isTLS: Bool
    /// The exchange's `X-Request-Id` (generated, or a trusted proxy's), for the blocked page.
    public var requestID: String

    public init(head: RequestHead, remoteAddress: SocketAddress?, isTLS: Bool, requestID: String = "") {
        self.head = head
        self.remoteAddress = remoteAddress
        self.isTLS = isTLS
        self.requestID = requestID
    }

    /// A request whose head is NIO's type (a decider tried outside the proxy).
    public init(head: HTTPRequestHead, remoteAddress: SocketAddress?, isTLS: Bool, requestID: String = "") {
        self.init(head: RequestHead(head), remoteAddress: remoteAddress, isTLS: isTLS, requestID: requestID)
    }
}
