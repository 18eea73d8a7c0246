import Foundation
import Synchronization

/// A child process started for a test (e.g. the demo CRM or a server), stdout and stderr in temporary files.
///
/// Stop it with `terminate()` (SIGTERM, then SIGKILL after a grace period); `deinit` kills it if the test
/// forgot, so nothing outlives the test.
public final class BackgroundProcess: Sendable {
    public let pid: pid_t
    private let stdoutPath: String
    private let stderrPath: String
    private let exitStatus = Mutex<Int32?>(nil)

    private init(pid: pid_t, stdoutPath: String, stderrPath: String) {
        self.pid = pid
        self.stdoutPath = stdoutPath
        self.stderrPath = stderrPath
    }

    /// Starts `arguments[0]` (searched in PATH when it has no slash).
    public static func start(_ arguments: [String], environment: [String: String?] = [:]) throws -> BackgroundProcess {
        let stdoutPath = try temporaryFile("stdout")
        let stderrPath = try temporaryFile("stderr")
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdoutPath, O_WRONLY | O_TRUNC, 0)
        posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_TRUNC, 0)
        SpawnDescriptorHygiene.closeInheritedDescriptors(&actions)
        var variables = ProcessInfo.processInfo.environment
        for (name, value) in environment {
            variables[name] = value
        }
        let cEnvironment = variables.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { cEnvironment.forEach { free($0) } }
        let cArguments = arguments.map { strdup($0) } + [nil]
        defer { cArguments.forEach { free($0) } }
        var pid: pid_t = 0
        let result = SpawnDescriptorHygiene.withCleanSignalAttributes { attributes in
            posix_spawnp(&pid, arguments[0], &actions, attributes, cArguments, cEnvironment)
        }
        guard result == 0 else {
            throw CommandRunner.Failure(
                command: arguments,
                status: result,
                output: "cannot start \(arguments[0]): \(String(cString: strerror(result)))"
            )
        }
        return BackgroundProcess(pid: pid, stdoutPath: stdoutPath, stderrPath: stderrPath)
    }

    /// What it has written to stdout so far.
    public var stdout: String { (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "" }
    /// What it has written to stderr so far.
    public var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    /// The exit status if it has exited (reaping it), nil while it runs.
    public func poll() -> Int32? {
        exitStatus.withLock { known in
            if let known { return known }
            var status: Int32 = 0
            let result = waitpid(pid, &status, WNOHANG)
            guard result == pid else { return nil }
            known = Self.decode(status)
            return known
        }
    }

    /// Waits for the exit (blocking) and returns the status.
    @discardableResult
    public func wait() -> Int32 {
        exitStatus.withLock { known in
            if let known { return known }
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            known = Self.decode(status)
            return known ?? -1
        }
    }

    /// Sends `signal` if the process has not been reaped yet.
    public func send(_ signal: Int32) {
        exitStatus.withLock { known in
            if known == nil { _ = Foundation.kill(pid, signal) }
        }
    }

    public func kill() { send(SIGKILL) }

    /// SIGTERM, then SIGKILL after `grace` seconds; returns the exit status.
    @discardableResult
    public func terminate(grace: Double = 10) -> Int32 {
        send(SIGTERM)
        let deadline = Date().addingTimeInterval(grace)
        while Date() < deadline {
            if let status = poll() { return status }
            usleep(10_000)
        }
        kill()
        return wait()
    }

    /// Polls stdout until `text` appears (true) or `timeLimit` seconds pass or the process exits (false).
    public func waitForOutput(_ text: String, timeLimit: Double = 60) async throws -> Bool {
        let deadline = Date().addingTimeInterval(timeLimit)
        while Date() < deadline {
            if stdout.contains(text) { return true }
            if poll() != nil { return stdout.contains(text) }
            try await Task.sleep(for: .milliseconds(20))
        }
        return false
    }

    func removeOutputFiles() {
        unlink(stdoutPath)
        unlink(stderrPath)
    }

    deinit {
        if exitStatus.withLock({ $0 }) == nil {
            _ = Foundation.kill(pid, SIGKILL)
            var status: Int32 = 0
            _ = waitpid(pid, &status, 0)
        }
        removeOutputFiles()
    }

    private static func decode(_ status: Int32) -> Int32 {
        WaitStatus.exitCode(status)
    }

    private static func temporaryFile(_ name: String) throws -> String {
        var template = Array("/tmp/freezegate-test-\(name)-XXXXXX".utf8CString)
        let descriptor = mkstemp(&template)
        guard descriptor >= 0 else {
            throw CommandRunner.Failure(command: ["mkstemp"], status: errno, output: "cannot create a temporary file")
        }
        close(descriptor)
        return String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
