import Foundation
import TestSupport

/// The built `freezegate` binary run as a child process, with stdout and stderr captured to files
/// and the environment controlled (no inherited `DATABASE_URL` / `FREEZEGATE_*`).
///
/// Uses `posix_spawn`, `kill` and `waitpid(WNOHANG)` polled from async code: Foundation's
/// `Process.waitUntilExit` hangs on this machine, and a blocking wait would stall the test pool.
final class ServeProcess: Sendable {
    struct Outcome: Sendable {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    let pid: pid_t
    let stdoutPath: String
    let stderrPath: String

    private init(pid: pid_t, stdoutPath: String, stderrPath: String) {
        self.pid = pid
        self.stdoutPath = stdoutPath
        self.stderrPath = stderrPath
    }

    /// `.build/debug/freezegate`, next to the test bundle.
    static var binary: String {
        let executable =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments.first ?? ""
        var url = URL(fileURLWithPath: executable).deletingLastPathComponent()
        while url.path.contains(".xctest") { url.deleteLastPathComponent() }
        return url.appendingPathComponent("freezegate").path
    }

    /// Starts `freezegate ARGUMENTS` with this process's environment minus the gateway's own
    /// variables, plus `environment`.
    static func start(_ arguments: [String], environment: [String: String] = [:]) throws -> ServeProcess {
        let directory = FileManager.default.temporaryDirectory.path
        let stem = "\(directory)/freezegate-serve-test-\(UUID().uuidString)"
        let (stdoutPath, stderrPath) = (stem + ".out", stem + ".err")
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdoutPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        SpawnDescriptorHygiene.closeInheritedDescriptors(&actions)
        var variables = ProcessInfo.processInfo.environment.filter {
            $0.key != "DATABASE_URL" && !$0.key.hasPrefix("FREEZEGATE_")
        }
        variables.merge(environment) { _, new in new }
        let cArguments = ([binary] + arguments).map { strdup($0) } + [nil]
        let cEnvironment = variables.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            cArguments.forEach { free($0) }
            cEnvironment.forEach { free($0) }
        }
        var pid: pid_t = 0
        let result = SpawnDescriptorHygiene.withCleanSignalAttributes { attributes in
            posix_spawn(&pid, binary, &actions, attributes, cArguments, cEnvironment)
        }
        guard result == 0 else {
            throw Failure(description: "cannot start \(binary): \(String(cString: strerror(result)))")
        }
        return ServeProcess(pid: pid, stdoutPath: stdoutPath, stderrPath: stderrPath)
    }

    /// Runs to completion (SIGKILL after `timeLimit`, reported as a failure).
    static func run(
        _ arguments: [String],
        environment: [String: String] = [:],
        timeLimit: Duration = .seconds(60)
    ) async throws -> Outcome {
        let process = try start(arguments, environment: environment)
        defer { process.removeOutputFiles() }
        return try await process.waitForExit(timeLimit: timeLimit)
    }

    var stdout: String { (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    func send(_ signal: Int32) {
        kill(pid, signal)
    }

    /// Polls until the child exits; kills it and throws when it outlives the limit.
    func waitForExit(timeLimit: Duration = .seconds(60)) async throws -> Outcome {
        let deadline = ContinuousClock.now + timeLimit
        while true {
            var status: Int32 = 0
            let waited = waitpid(pid, &status, WNOHANG)
            if waited == pid {
                let code = WaitStatus.exitCode(status)
                return Outcome(status: code, stdout: stdout, stderr: stderr)
            }
            if waited < 0 && errno != EINTR {
                throw Failure(description: "waitpid failed: \(String(cString: strerror(errno)))")
            }
            if ContinuousClock.now >= deadline {
                kill(pid, SIGKILL)
                _ = waitpid(pid, &status, 0)
                throw Failure(description: "freezegate did not exit in time; stderr:\n\(stderr)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Polls `condition` until it holds (a deadline, not a speed assertion).
    func waitUntil(_ what: String, timeout: Duration = .seconds(30), _ condition: () async throws -> Bool) async throws
    {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw Failure(description: "timed out waiting until \(what); stderr:\n\(stderr)")
    }

    func removeOutputFiles() {
        try? FileManager.default.removeItem(atPath: stdoutPath)
        try? FileManager.default.removeItem(atPath: stderrPath)
    }
}
