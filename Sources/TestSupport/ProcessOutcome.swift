/// How a finished child process ended: its exit status and what it wrote to stdout and stderr.
public struct ProcessOutcome: Sendable, CustomStringConvertible {
    /// The exit code, or 128 + signal number when it was killed (as a shell reports it).
    public let status: Int32
    public let stdout: String
    public let stderr: String
    /// True when the time limit was reached and the process was killed.
    public let timedOut: Bool

    public var description: String {
        "exit \(status)\(timedOut ? " (killed: time limit)" : "")\n--- stdout\n\(stdout)--- stderr\n\(stderr)"
    }
}
