import NIOCore

/// One upstream server as configured: `http://HOST:PORT` or `https://HOST:PORT` with a weight.
/// A name is resolved when the proxy starts, never while settings are read, so `--print-config`
/// and `check-config` need no DNS.
public struct UpstreamServer: Sendable, Hashable {
    public enum Endpoint: Sendable, Hashable {
        /// A host name or IP literal and a port, resolved at start.
        case name(host: String, port: Int)
        /// An address used as is (tests and callers that resolved it themselves).
        case address(SocketAddress)
    }

    public var endpoint: Endpoint
    /// The server speaks TLS (an https URL).
    public var tls: Bool
    /// Its share of the requests relative to the other servers of its group (at least 1).
    public var weight: Int

    public init(endpoint: Endpoint, tls: Bool = false, weight: Int = 1) {
        self.endpoint = endpoint
        self.tls = tls
        self.weight = weight
    }

    /// `http(s)://HOST[:PORT]`; the port defaults to 80 or 443.
    public init(url: String, weight: Int = 1) throws {
        let parsed = try EndpointParser.upstreamEndpoint(url)
        self.init(endpoint: .name(host: parsed.host, port: parsed.port), tls: parsed.tls, weight: weight)
    }

    public init(address: SocketAddress, tls: Bool = false, weight: Int = 1) {
        self.init(endpoint: .address(address), tls: tls, weight: weight)
    }

    /// `HOST:PORT` (IPv6 in brackets): how logs and metrics name the server, and its identity on
    /// the hash ring (so a server keeps its place whatever the order of the list).
    public var label: String {
        switch self.endpoint {
        case .name(let host, let port):
            return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        case .address(let address):
            let ip = address.ipAddress ?? "\(address)"
            let port = address.port ?? 0
            return ip.contains(":") ? "[\(ip)]:\(port)" : "\(ip):\(port)"
        }
    }

    /// The host name to send as SNI and to verify the certificate against (nil for an address).
    var tlsHostname: String? {
        guard case .name(let host, _) = self.endpoint else { return nil }
        return host
    }
}
