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
}
