import NIOCore

/// When a run of upstream failures is worth a warning: the first failure at once, then at most
/// one line per ``interval`` carrying how many failures happened since the last line — so an
/// upstream that refuses thousands of connections a second is visible in the log without
/// flooding it. A value, one per server and event loop.
struct FailureLogWindow {
    static let interval = TimeAmount.seconds(10)

    private var lastLine: NIODeadline?
    private var unlogged = 0

    /// Counts a failure at `now`; the number of failures to report when a line is due, else nil.
    mutating func failed(at now: NIODeadline) -> Int? {
        self.unlogged += 1
        if let lastLine = self.lastLine, now - lastLine < Self.interval { return nil }
        self.lastLine = now
        defer { self.unlogged = 0 }
        return self.unlogged
    }
}
