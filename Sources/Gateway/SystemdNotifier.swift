import Foundation

/// Sends sd_notify messages (`READY=1`, `STOPPING=1`, …) to the service manager over
/// `$NOTIFY_SOCKET`, without libsystemd: the protocol is one unix datagram per message.
package struct SystemdNotifier: Sendable {
    let address: NotifySocketAddress

    /// nil when `NOTIFY_SOCKET` is unset (not started by systemd with `Type=notify`) or unusable.
    package init?(environment: [String: String] = ProcessInfo.processInfo.environment) {
        guard let value = environment["NOTIFY_SOCKET"], let address = NotifySocketAddress(value) else { return nil }
        self.address = address
    }

    init(address: NotifySocketAddress) {
        self.address = address
    }

    /// Sends one message; returns the `errno` text when it could not be sent. A fresh socket per
    /// message, as libsystemd does: messages are rare, and nothing stays open between them.
    @discardableResult
    package func send(_ message: String) -> String? {
        let descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { return String(cString: strerror(errno)) }
        defer { close(descriptor) }
        var socketAddress = sockaddr_un()
        socketAddress.sun_family = sa_family_t(AF_UNIX)
        let pathBytes = address.pathBytes
        withUnsafeMutableBytes(of: &socketAddress.sun_path) { buffer in
            for (index, byte) in pathBytes.enumerated() where index < buffer.count { buffer[index] = byte }
        }
        let pathOffset = MemoryLayout<sockaddr_un>.offset(of: \.sun_path) ?? MemoryLayout<sa_family_t>.size
        let length = socklen_t(pathOffset + address.sunPathLength)
        let bytes = Array(message.utf8)
        let sent = withUnsafePointer(to: &socketAddress) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                bytes.withUnsafeBytes { body in
                    sendto(descriptor, body.baseAddress, body.count, Int32(MSG_NOSIGNAL), generic, length)
                }
            }
        }
        return sent == bytes.count ? nil : String(cString: strerror(errno))
    }
}
