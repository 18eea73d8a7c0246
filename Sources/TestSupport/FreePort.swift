import Foundation
import NIOCore
import Synchronization

/// Finds a TCP port on 127.0.0.1 that nothing listens on right now, for a server a test starts.
///
/// The port is taken below the kernel's ephemeral range (`ip_local_port_range`), where no socket
/// bound to port 0 and no outgoing connection of the tests can land, and each port is handed out
/// once per test process. A port from the ephemeral range could be taken by another test's client
/// socket between this check and the server's bind (a demo run once failed that way).
public enum FreePort {
    private static let handedOut = Mutex<Set<Int>>([])

    public static func find() throws -> Int {
        let below = Self.ephemeralRangeStart()
        guard below > 11_000 else { return try Self.bindable(0) }
        for _ in 0..<1_000 {
            let candidate = Int.random(in: 10_000..<below)
            let fresh = Self.handedOut.withLock { $0.insert(candidate).inserted }
            if fresh, (try? Self.bindable(candidate)) != nil { return candidate }
        }
        return try Self.bindable(0)
    }

    /// An address nothing listens on and no other test's server will take (a "dead" upstream):
    /// a port bound to 0 and closed again would come from the ephemeral range, where the next
    /// port-0 server of another test may land.
    public static func deadAddress() throws -> SocketAddress {
        try SocketAddress(ipAddress: "127.0.0.1", port: Self.find())
    }

    /// The first port of the ephemeral range (32768 by default on Linux).
    static func ephemeralRangeStart() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8),
            let first = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).first,
            let start = Int(first)
        else { return 32_768 }
        return start
    }

    /// Binds `port` (0: any) on 127.0.0.1 and returns the port bound; the socket is closed again.
    static func bindable(_ port: Int) throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw CommandRunner.Failure(command: ["socket"], status: errno, output: "") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else { throw CommandRunner.Failure(command: ["bind"], status: errno, output: "") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
