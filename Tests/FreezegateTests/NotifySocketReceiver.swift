import Foundation

/// A unix datagram socket standing in for systemd's notification socket: bound to a file path or
/// to an abstract name, it collects what `freezegate serve` sends to `$NOTIFY_SOCKET`.
final class NotifySocketReceiver: Sendable {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// The value to put in `NOTIFY_SOCKET` (`/path` or `@name`).
    let notifySocket: String
    private let descriptor: Int32
    private let path: String?

    init(abstract: Bool) throws {
        let name = "freezegate-notify-test-\(UUID().uuidString)"
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: \(String(cString: strerror(errno)))") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes: [UInt8]
        if abstract {
            bytes = [0] + Array(name.utf8)
            self.path = nil
            self.notifySocket = "@" + name
        } else {
            let path = FileManager.default.temporaryDirectory.path + "/\(name).sock"
            bytes = Array(path.utf8) + [0]
            self.path = path
            self.notifySocket = path
        }
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in bytes.enumerated() { buffer[index] = byte }
        }
        let length = socklen_t((MemoryLayout<sockaddr_un>.offset(of: \.sun_path) ?? 2) + bytes.count)
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0 else {
            let message = String(cString: strerror(errno))
            close(fd)
            throw Failure(description: "bind \(notifySocket): \(message)")
        }
        self.descriptor = fd
    }

    deinit {
        close(descriptor)
        if let path { unlink(path) }
    }

    /// The next datagram, or nil when none arrives within `timeout`.
    func receive(timeout: Duration) async -> String? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            var buffer = [UInt8](repeating: 0, count: 4096)
            let count = buffer.withUnsafeMutableBytes { raw in
                recv(descriptor, raw.baseAddress, raw.count, Int32(MSG_DONTWAIT))
            }
            if count > 0 { return String(decoding: buffer[..<count], as: UTF8.self) }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }
}
