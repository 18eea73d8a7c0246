import Foundation

/// Keeps a spawned child from inheriting the test process's descriptors.
///
/// A test process holds hundreds of sockets; a child that inherits them — a postmaster started
/// through pg_ctl lives on — can run out of descriptors ("insufficient file descriptors available
/// to start server process") or keep a pipe open that a reader waits on for EOF. glibc ≥ 2.34 has
/// `posix_spawn_file_actions_addclosefrom_np`, which Swift's Glibc module does not import (it is a
/// GNU extension), so it is looked up at run time.
public enum SpawnDescriptorHygiene {
    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

    private static let addCloseFrom: AddCloseFrom? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np")
        else { return nil }
        return unsafeBitCast(symbol, to: AddCloseFrom.self)
    }()

    /// Adds "close every descriptor from 3 on" to `actions`; call it after the dup2 actions that
    /// set up 0, 1 and 2. Without glibc support the child inherits what is not close-on-exec.
    public static func closeInheritedDescriptors(_ actions: inout posix_spawn_file_actions_t) {
        _ = addCloseFrom?(&actions, 3)
    }

    /// Spawn attributes that give the child a clean signal state: an empty signal mask (the spawning
    /// thread's mask is inherited otherwise — test and NIO threads block signals) and default
    /// handling of the signals a test process may ignore (NIO ignores SIGPIPE; ignored signals
    /// survive exec), so that shells and servers started by tests behave as from a terminal.
    public static func withCleanSignalAttributes<T>(
        _ body: (UnsafePointer<posix_spawnattr_t>) throws -> T
    ) rethrows -> T {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGCHLD, SIGQUIT, SIGUSR1, SIGUSR2] {
            sigaddset(&defaults, signal)
        }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        return try body(&attributes)
    }
}
