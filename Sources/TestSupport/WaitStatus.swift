/// Decodes a `waitpid` status the way a shell reports it.
public enum WaitStatus {
    /// The exit code of a process that exited, or 128 + the signal number of one that was killed
    /// (WIFEXITED / WEXITSTATUS / WTERMSIG, which Swift does not import).
    public static func exitCode(_ status: Int32) -> Int32 {
        status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }
}
