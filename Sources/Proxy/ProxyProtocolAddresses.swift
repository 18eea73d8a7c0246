import NIOCore

/// The user inbound event ``ProxyProtocolHandler`` fires once a connection's PROXY protocol
/// header is read, before any byte that follows it. Nil addresses (a LOCAL command, v1
/// `UNKNOWN`, a family other than TCP over IPv4/IPv6) mean the connection's own endpoints stand.
public struct ProxyProtocolAddresses: Sendable, Hashable {
    /// The original client, as the load balancer saw it.
    public var source: SocketAddress?
    /// The address the client connected to on the load balancer.
    public var destination: SocketAddress?

    public init(source: SocketAddress?, destination: SocketAddress?) {
        self.source = source
        self.destination = destination
    }
}
