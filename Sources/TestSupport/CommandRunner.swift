import Foundation
import NIOConcurrencyHelpers

/// Runs a command to completion, capturing its output; for test set-up only (it blocks).
///
/// Uses `posix_spawn` and `waitpid` directly: Foundation's `Process.waitUntilExit` was seen to hang
/// on Linux once the child had already exited.
public enum CommandRunner {
    private static let spawnLock = NIOLock()

    public struct Failure: Error, CustomStringConvertible {
        public let command: [String]
        public let status: Int32
        public let output: String
        public var description: String { "\(command.joined(separator: " ")) exited \(status): \(output)" }
    }

    @discardableResult
    public static func run(_ arguments: [String]) throws -> String {
        var pipeDescriptors: [Int32] = [0, 0]
        // Commands are spawned from several threads at once, and a pipe end inherited by another child
        // (say a postmaster that pg_ctl leaves running) would keep our read from ever seeing EOF. So
        // the pipe is made close-on-exec, under the same lock as every spawn (no child is created in
        // between); dup2 onto 1 and 2 in our own child clears the flag there.
        let (readEnd, writeEnd, pid): (Int32, Int32, pid_t) = try spawnLock.withLock {
            guard pipe(&pipeDescriptors) == 0 else {
                throw Failure(command: arguments, status: errno, output: "pipe")
            }
            let (readEnd, writeEnd) = (pipeDescriptors[0], pipeDescriptors[1])
            _ = fcntl(readEnd, F_SETFD, FD_CLOEXEC)
            _ = fcntl(writeEnd, F_SETFD, FD_CLOEXEC)
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            posix_spawn_file_actions_adddup2(&actions, writeEnd, 1)
            posix_spawn_file_actions_adddup2(&actions, writeEnd, 2)
            do {
                return (readEnd, writeEnd, try spawn(arguments, actions: &actions))
            } catch {
                close(readEnd)
                close(writeEnd)
                throw error
            }
        }
        close(writeEnd)
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = read(readEnd, &buffer, buffer.count)
            if count > 0 {
                output.append(contentsOf: buffer[0..<count])
            } else if count == 0 || errno != EINTR {
                break
            }
        }
        close(readEnd)
        let status = waitForExit(pid)
        let text = String(decoding: output, as: UTF8.self)
        guard status == 0 else { throw Failure(command: arguments, status: status, output: text) }
        return text
    }

    /// Starts a process in its own session that outlives this one; stdio goes to /dev/null.
    public static func spawnDetached(_ arguments: [String]) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        // `setsid -f` forks: the process we wait for exits at once, its child lives on unattached.
        let pid = try spawnLock.withLock { try spawn(["setsid", "-f"] + arguments, actions: &actions) }
        _ = waitForExit(pid)
    }

    private static func spawn(_ arguments: [String], actions: inout posix_spawn_file_actions_t) throws -> pid_t {
        // The child keeps only 0, 1 and 2: a test process holds hundreds of sockets, and a postmaster
        // that inherited them would run out of descriptors ("insufficient file descriptors").
        SpawnDescriptorHygiene.closeInheritedDescriptors(&actions)
        var pid: pid_t = 0
        let cArguments = arguments.map { strdup($0) } + [nil]
        defer { cArguments.forEach { free($0) } }
        let result = SpawnDescriptorHygiene.withCleanSignalAttributes { attributes in
            posix_spawnp(&pid, arguments[0], &actions, attributes, cArguments, environ)
        }
        guard result == 0 else {
            throw Failure(
                command: arguments,
                status: result,
                output: "cannot start \(arguments[0]): \(String(cString: strerror(result)))"
            )
        }
        return pid
    }

    private static func waitForExit(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return WaitStatus.exitCode(status)
    }
}
