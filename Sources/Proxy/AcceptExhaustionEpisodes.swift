import NIOCore

/// When a listener out of descriptors pauses and what it says about it, as a value: the
/// ``AcceptPauseOnExhaustion`` handler feeds it accept failures and successes and performs the
/// pauses and log lines it returns.
///
/// An episode begins with a failed accept and ends with the next accepted connection. Under a storm
/// episodes follow each other many times a second (every closed connection frees a descriptor for
/// one accept), so a warning per episode would flood the error log: the first episode warns, and
/// the episodes of the next `warningInterval` stay quiet and are summed up in the next warning.
/// "Accepting again" is said only for an episode that warned.
struct AcceptExhaustionEpisodes {
    static let firstPause = TimeAmount.milliseconds(50)
    static let longestPause = TimeAmount.seconds(1)
    static let warningInterval = TimeAmount.seconds(10)

    struct Warning: Equatable {
        /// Quiet episodes since the previous warning, and the accepts that failed in them.
        var quietEpisodes: Int
        var quietFailedAccepts: Int
    }

    struct Recovery: Equatable {
        /// Accepts that failed in the episode that just ended.
        var failedAccepts: Int
    }

    /// The pause in force during an episode; nil when accepting works.
    private var pause: TimeAmount?
    private var failedAccepts = 0
    private var warned = false
    private var lastWarning: NIODeadline?
    private var quietEpisodes = 0
    private var quietFailedAccepts = 0

    var isInEpisode: Bool { self.pause != nil }

    /// An accept failed for want of descriptors: how long to stop accepting, and a warning when one
    /// is due.
    mutating func acceptFailed(now: NIODeadline) -> (pause: TimeAmount, warning: Warning?) {
        self.failedAccepts += 1
        if let pause = self.pause {
            let next = min(pause * 2, Self.longestPause)
            self.pause = next
            return (next, nil)
        }
        self.pause = Self.firstPause
        guard let last = self.lastWarning, now - last < Self.warningInterval else {
            let warning = Warning(quietEpisodes: self.quietEpisodes, quietFailedAccepts: self.quietFailedAccepts)
            self.warned = true
            self.lastWarning = now
            self.quietEpisodes = 0
            self.quietFailedAccepts = 0
            return (Self.firstPause, warning)
        }
        self.warned = false
        return (Self.firstPause, nil)
    }

    /// A connection was accepted: ends the episode, if any. Returns what to say when it warned.
    mutating func accepted() -> Recovery? {
        guard self.pause != nil else { return nil }
        defer {
            self.pause = nil
            self.failedAccepts = 0
            self.warned = false
        }
        if self.warned { return Recovery(failedAccepts: self.failedAccepts) }
        self.quietEpisodes += 1
        self.quietFailedAccepts += self.failedAccepts
        return nil
    }
}
