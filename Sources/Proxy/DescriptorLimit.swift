#if canImport(Glibc)
import Glibc
#endif

/// The process's open-file limit (RLIMIT_NOFILE). A proxy needs two descriptors per forwarded
/// connection, and the soft limit Linux starts processes with (1024) is far below what the hard
/// limit allows, so `serve` raises the soft limit to the hard one at start, as nginx's
/// `worker_rlimit_nofile` and HAProxy do.
public enum DescriptorLimit {
    public struct Limits: Sendable, Equatable {
        public var soft: UInt64
        public var hard: UInt64
    }

    #if canImport(Glibc)
    private static let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
    #else
    private static let resource = RLIMIT_NOFILE
    #endif

    public static func current() -> Limits {
        var limit = rlimit()
        guard getrlimit(Self.resource, &limit) == 0 else { return Limits(soft: 0, hard: 0) }
        return Limits(soft: UInt64(limit.rlim_cur), hard: UInt64(limit.rlim_max))
    }

    /// Raises the soft limit to the hard limit; returns the limits in force afterwards.
    @discardableResult
    public static func raiseSoftToHard() -> Limits {
        var limit = rlimit()
        guard getrlimit(Self.resource, &limit) == 0 else { return Limits(soft: 0, hard: 0) }
        if limit.rlim_cur < limit.rlim_max {
            limit.rlim_cur = limit.rlim_max
            _ = setrlimit(Self.resource, &limit)
        }
        return Self.current()
    }
}
