import Foundation

/// Keeps a TCP port on 127.0.0.1 bound without listening: a connection to it is refused at once,
/// and no other test's `FreePort.find()` is given it meanwhile.
///
/// For a server a test stopped on purpose: left free, its port may go to a server of a test that
/// runs beside it, and a client still trying the stopped server's address then waits for an answer
/// in a protocol that server does not speak (libpq until its `connect_timeout`) instead of being
/// refused.
public final class RefusingPort: Sendable {
    public let port: Int
    private let descriptor: Int32

    public init(_ port: Int) throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw CommandRunner.Failure(command: ["socket"], status: errno, output: "") }
        var reuse: Int32 = 1
        _ = setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else {
            let failure = errno
            close(descriptor)
            throw CommandRunner.Failure(command: ["bind", "\(port)"], status: failure, output: "")
        }
        self.port = port
        self.descriptor = descriptor
    }

    deinit {
        close(self.descriptor)
    }
}
