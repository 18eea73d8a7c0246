import NIOCore

/// A decoded PROXY protocol header (HAProxy's proxy-protocol.txt, versions 1 and 2): the
/// connection's original endpoints as the load balancer in front of us saw them.
struct ProxyProtocolHeader: Sendable, Equatable {
    enum Version: Int, Sendable {
        /// The text form: `PROXY TCP4 192.0.2.1 198.51.100.2 56324 443\r\n`.
        case v1 = 1
        /// The binary form, after the 12-byte signature.
        case v2 = 2
    }

    enum Command: Sendable {
        /// The balancer's own connection (health checks): use the connection's real endpoints.
        case local
        /// A relayed connection; v1 headers are always this, `UNKNOWN` included.
        case proxy
    }

    var version: Version
    var command: Command
    /// The original client; nil unless the header relays a TCP connection over IPv4 or IPv6
    /// (LOCAL, v1 `UNKNOWN`, v2 UNSPEC, AF_UNIX and UDP carry none we can use).
    var source: SocketAddress?
    /// The address the client connected to, under the same conditions as ``source``.
    var destination: SocketAddress?
    /// How many bytes the header took on the wire, from the first byte of the connection.
    var length: Int
}
