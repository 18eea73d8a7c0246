import NIOCore

#if canImport(Glibc)
import Glibc
#endif

/// A listener that could not bind its address, in the words of the first line the operator
/// reads: `cannot listen on 127.0.0.1:8080 (--listen): Address already in use`.
public struct ListenerBindFailure: Error, CustomStringConvertible {
    /// The setting that asked for the address (`--listen`, `--tls-listen`, `--admin-listen`).
    public var listener: String
    public var address: SocketAddress
    public var reason: String

    public var description: String {
        "cannot listen on \(Self.text(of: self.address)) (\(self.listener)): \(self.reason)"
    }

    /// Runs `bind`, turning its failure into one that names `address` and `listener`.
    static func naming<Result>(
        _ address: SocketAddress,
        listener: String,
        _ bind: () async throws -> Result
    ) async throws -> Result {
        do {
            return try await bind()
        } catch let error as IOError {
            throw ListenerBindFailure(
                listener: listener,
                address: address,
                reason: String(cString: strerror(error.errnoCode))
            )
        } catch {
            throw ListenerBindFailure(listener: listener, address: address, reason: "\(error)")
        }
    }

    /// `HOST:PORT` (`[HOST]:PORT` for IPv6), or the socket's path.
    static func text(of address: SocketAddress) -> String {
        switch address {
        case .v4, .v6:
            let host = address.ipAddress ?? "?"
            let port = address.port.map(String.init) ?? "?"
            return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        case .unixDomainSocket:
            return address.pathname ?? "\(address)"
        }
    }
}
