import ArgumentParser
import NIOCore

/// Listeners that would take the same port: the same address, or a wildcard beside an address
/// it covers (`0.0.0.0` every IPv4 address, `::` every address, IPv4 too on a dual-stack socket).
/// Port 0 (any free port) never collides.
enum ListenerAddressOverlap {
    /// Throws a `ValidationError` naming the first two settings that collide, by where each came
    /// from (`--listen`, `FREEZEGATE_ADMIN_LISTEN`, a file's key).
    static func check(_ listeners: [(origin: String, address: SocketAddress)]) throws {
        for (index, first) in listeners.enumerated() {
            for second in listeners[(index + 1)...] where self.collide(first.address, second.address) {
                throw ValidationError(
                    "\(second.origin) \(Self.text(second.address)) is the address of \(first.origin) too: "
                        + "each listener needs its own port"
                )
            }
        }
    }

    static func collide(_ first: SocketAddress, _ second: SocketAddress) -> Bool {
        guard let port = first.port, port != 0, second.port == port,
            let firstIP = first.ipAddress, let secondIP = second.ipAddress
        else { return false }
        return firstIP == secondIP || self.covers(firstIP, secondIP) || self.covers(secondIP, firstIP)
    }

    private static func covers(_ wildcard: String, _ address: String) -> Bool {
        switch wildcard {
        case "::": return true
        case "0.0.0.0": return !address.contains(":")
        default: return false
        }
    }

    private static func text(_ address: SocketAddress) -> String {
        guard let ip = address.ipAddress, let port = address.port else { return "\(address)" }
        return ip.contains(":") ? "[\(ip)]:\(port)" : "\(ip):\(port)"
    }
}
