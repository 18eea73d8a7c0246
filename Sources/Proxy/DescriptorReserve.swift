import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Spare descriptors the process holds so that it can give some back the moment it runs out.
///
/// When every descriptor is taken, the gateway itself copes (the listener pauses accepting), but
/// libdispatch, which runs Swift concurrency's tasks on Linux, does not: once a second, while work
/// is queued for its worker threads, it opens `/proc/<tid>/stat` for each of them and stops the
/// process (SIGILL) when the open fails. So the listeners hold a few descriptors of `/dev/null`
/// (nginx and libuv keep a spare for the same reason: to have one when there is none) and close
/// them when an accept fails for want of descriptors; they take them back before accepting again.
/// The descriptors closed are the process's, so anything that runs out — libdispatch, a
/// reconnect to PostgreSQL, a log reopened — finds them free until the listener resumes.
public final class DescriptorReserve: Sendable {
    public let size: Int
    private let held = Mutex<[Int32]>([])

    /// Opens `size` spare descriptors (as many as it can).
    public init(size: Int = 16) {
        self.size = max(0, size)
        self.replenish()
    }

    deinit {
        self.release()
    }

    /// Descriptors held now.
    public var count: Int {
        self.held.withLock { $0.count }
    }

    /// The descriptors held now (for tests).
    var descriptors: [Int32] {
        self.held.withLock { $0 }
    }

    /// Closes every spare descriptor: the process is out of them and needs some now.
    public func release() {
        let descriptors = self.held.withLock { held in
            defer { held.removeAll() }
            return held
        }
        for descriptor in descriptors { close(descriptor) }
    }

    /// Opens spares until `size` are held or none can be opened; returns whether all are held.
    @discardableResult
    public func replenish() -> Bool {
        self.held.withLock { held in
            while held.count < self.size {
                let descriptor = open("/dev/null", O_RDONLY | O_CLOEXEC)
                guard descriptor >= 0 else { return false }
                held.append(descriptor)
            }
            return true
        }
    }
}
