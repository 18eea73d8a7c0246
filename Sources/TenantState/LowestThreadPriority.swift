#if canImport(Glibc)
import Glibc
#endif

/// Nice 19 for the calling thread only: on Linux the nice value is per thread, and `who` 0 is the
/// caller. An unprivileged process cannot raise it again, so it is for threads that keep it for life.
enum LowestThreadPriority {
    static func applyToCurrentThread() {
        #if os(Linux)
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 19)
        #endif
    }
}
