import Foundation

/// Runs a program (e.g. the built `freezegate` binary) with stdout and stderr captured separately.
///
/// Like `CommandRunner`, it uses `posix_spawn` and `waitpid` directly (Foundation's `Process.waitUntilExit`
/// was seen to hang on Linux) and waits without blocking a thread of the cooperative pool. Output goes to temporary files, so a chatty child never blocks on a full
/// pipe, and a time limit kills a child that hangs instead of hanging the test run.
public enum ChildProcess {
    /// Runs `arguments` to completion (or until `timeLimit` seconds have passed: then SIGKILL).
    /// `environment` entries are added to (or, with a nil value, removed from) this process's environment.
    public static func run(
        _ arguments: [String],
        environment: [String: String?] = [:],
        timeLimit: Double = 120
    ) async throws -> ProcessOutcome {
        let started = try BackgroundProcess.start(arguments, environment: environment)
        let deadline = Date().addingTimeInterval(timeLimit)
        var status = started.poll()
        var timedOut = false
        while status == nil {
            if Date() >= deadline {
                timedOut = true
                started.kill()
                status = started.wait()
                break
            }
            try await Task.sleep(for: .milliseconds(10))
            status = started.poll()
        }
        let outcome = ProcessOutcome(
            status: status ?? -1,
            stdout: started.stdout,
            stderr: started.stderr,
            timedOut: timedOut
        )
        started.removeOutputFiles()
        return outcome
    }
}
