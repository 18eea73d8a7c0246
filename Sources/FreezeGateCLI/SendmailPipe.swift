import Foundation
import Gateway

/// Runs a sendmail-compatible command (`/usr/sbin/sendmail -t -i`) through `/bin/sh -c` and writes the
/// message to its standard input; fails unless it exits 0.
enum SendmailPipe {
    static func send(_ message: Data, command: String) throws {
        var pipeEnds: [Int32] = [0, 0]
        guard pipe(&pipeEnds) == 0 else { throw CommandFailure("cannot create a pipe for --sendmail") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, pipeEnds[0], 0)
        posix_spawn_file_actions_addclose(&actions, pipeEnds[1])
        posix_spawn_file_actions_addclose(&actions, pipeEnds[0])
        // stdout of the child goes to our stderr: our stdout reports the handled messages.
        posix_spawn_file_actions_adddup2(&actions, 2, 1)
        let arguments = ["/bin/sh", "-c", command]
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, "/bin/sh", &actions, nil, &argv, environ)
        close(pipeEnds[0])
        guard spawned == 0 else {
            close(pipeEnds[1])
            throw CommandFailure("cannot run --sendmail: \(String(cString: strerror(spawned)))")
        }
        var writeFailed = false
        message.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count, let base = buffer.baseAddress {
                let written = write(pipeEnds[1], base + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    writeFailed = true
                    break
                }
                offset += written
            }
        }
        close(pipeEnds[1])
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let exited = (status & 0x7f) == 0
        let code = (status >> 8) & 0xff
        guard !writeFailed, exited, code == 0 else {
            throw CommandFailure(
                "--sendmail command failed (\(exited ? "exit \(code)" : "killed by signal \(status & 0x7f)")): \(command)"
            )
        }
    }
}
