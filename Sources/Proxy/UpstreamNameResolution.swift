import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Every address of an upstream name (blocking `getaddrinfo`: call on a thread pool or at start,
/// never on an event loop). An IP literal is its own single address.
enum UpstreamNameResolution {
    typealias Resolver = @Sendable (_ host: String, _ port: Int) throws -> [SocketAddress]

    static func resolveAll(host: String, port: Int) throws -> [SocketAddress] {
        if let address = try? SocketAddress(ipAddress: host, port: port) { return [address] }
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Darwin)
        hints.ai_socktype = SOCK_STREAM
        #else
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &list) == 0, let first = list else {
            throw EndpointParser.InvalidEndpoint(description: "cannot resolve host '\(host)'")
        }
        defer { freeaddrinfo(first) }
        var addresses: [SocketAddress] = []
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let current = entry {
            if let raw = current.pointee.ai_addr {
                switch current.pointee.ai_family {
                case AF_INET:
                    let address = raw.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee }
                    addresses.append(SocketAddress(address, host: host))
                case AF_INET6:
                    let address = raw.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee }
                    addresses.append(SocketAddress(address, host: host))
                default:
                    break
                }
            }
            entry = current.pointee.ai_next
        }
        // getaddrinfo may list an address once per protocol: keep each once, in order.
        var seen: Set<String> = []
        addresses = addresses.filter { seen.insert(Self.key($0)).inserted }
        guard !addresses.isEmpty else {
            throw EndpointParser.InvalidEndpoint(description: "cannot resolve host '\(host)'")
        }
        return addresses
    }

    /// `IP:PORT`, to compare addresses whatever name they were resolved from.
    static func key(_ address: SocketAddress) -> String {
        "\(address.ipAddress ?? "?"):\(address.port ?? 0)"
    }
}
