/// Where `$NOTIFY_SOCKET` tells a service to send its readiness: a unix datagram socket given as
/// a file path (`/run/systemd/notify`) or, when it starts with `@`, a name in Linux's abstract
/// namespace (the `@` stands for the leading NUL byte).
struct NotifySocketAddress: Sendable, Hashable {
    /// The bytes of `sockaddr_un.sun_path` that matter: the path, or a NUL followed by the
    /// abstract name.
    var pathBytes: [UInt8]
    var isAbstract: Bool

    /// The size of `sockaddr_un.sun_path` on Linux.
    static let sunPathCapacity = 108

    /// nil for an empty value, a relative path, another kind of address (systemd also knows
    /// `vsock:`) or one too long for `sockaddr_un`.
    init?(_ value: String) {
        if value.hasPrefix("@") {
            let name = Array(value.utf8.dropFirst())
            guard !name.isEmpty, name.count + 1 <= Self.sunPathCapacity else { return nil }
            self.pathBytes = [0] + name
            self.isAbstract = true
        } else if value.hasPrefix("/") {
            let path = Array(value.utf8)
            // A path is NUL-terminated inside `sun_path`, and may not contain a NUL itself.
            guard path.count + 1 <= Self.sunPathCapacity, !path.contains(0) else { return nil }
            self.pathBytes = path
            self.isAbstract = false
        } else {
            return nil
        }
    }

    /// The address length to pass with it, counted from the start of `sun_path`: an abstract name
    /// is exactly its bytes (a trailing NUL would become part of the name), a path includes its
    /// terminating NUL.
    var sunPathLength: Int {
        isAbstract ? pathBytes.count : pathBytes.count + 1
    }
}
