/// The passive health of one server as a value: consecutive failures, whether it is out and
/// until when. Every transition is a pure function, so the rules are tested without I/O; the
/// value packs into 64 bits so that ``UpstreamHealthCell`` can share it across event loops with
/// one atomic word and no lock.
struct UpstreamHealthState: Equatable {
    /// What a transition changed that is worth a log line (once per transition).
    enum Transition: Equatable {
        case wentDown
        case cameBack
    }

    enum Admission: Equatable {
        /// In service.
        case available
        /// Out, and its back-off is over: one request may try it.
        case probeDue
        /// Out.
        case unavailable
    }

    /// Consecutive failures (saturating at 65535).
    var failures: Int = 0
    var isDown = false
    /// Failed tries since it went out (doubles the back-off).
    var backoffLevel: Int = 0
    /// When the next try is due (milliseconds of a monotonic clock).
    var retryAt: UInt64 = 0
    /// The try of the current back-off period was handed out and its outcome has not come.
    var probeOutstanding = false
    /// An active health check took it out (not only the failures of requests).
    var downByCheck = false

    static let healthy = UpstreamHealthState()

    init() {}

    // MARK: Packing: failures 16 bits, down 1 bit, level 5 bits, probe 1 bit, down by check 1 bit,
    // retryAt 40 bits (35 years of ms).

    init(bits: UInt64) {
        self.failures = Int(bits & 0xFFFF)
        self.isDown = bits & (1 << 16) != 0
        self.backoffLevel = Int((bits >> 17) & 0x1F)
        self.probeOutstanding = bits & (1 << 22) != 0
        self.downByCheck = bits & (1 << 23) != 0
        self.retryAt = bits >> 24
    }

    var bits: UInt64 {
        UInt64(min(self.failures, 0xFFFF)) | (self.isDown ? 1 << 16 : 0)
            | (UInt64(min(self.backoffLevel, 0x1F)) << 17) | (self.probeOutstanding ? 1 << 22 : 0)
            | (self.downByCheck ? 1 << 23 : 0) | ((self.retryAt & 0xFF_FFFF_FFFF) << 24)
    }

    // MARK: Transitions

    /// `lone`: the server is the only one of the group asking. Failures of requests never take
    /// such a server out (as nginx: a group's single server is never considered unavailable,
    /// whatever its failures — there is nowhere better to send the request, and a 502 from the
    /// gateway for the whole back-off helps no one); an active health check still does.
    func admission(now: UInt64, lone: Bool = false) -> Admission {
        guard self.isDown else { return .available }
        if lone && !self.downByCheck { return .available }
        return now >= self.retryAt ? .probeDue : .unavailable
    }

    /// Takes the one try of a back-off period: true when it was due (the next is then due one
    /// back-off later, so a try whose outcome never comes cannot keep the server out for good).
    mutating func claimProbe(now: UInt64, policy: UpstreamHealthPolicy) -> Bool {
        guard self.isDown, now >= self.retryAt else { return false }
        self.retryAt = now + policy.backoffMilliseconds(level: self.backoffLevel)
        self.probeOutstanding = true
        return true
    }

    /// A connect failure or a reset: the server goes out at `maxFailures` in a row; a failed try
    /// while out doubles the back-off. Only the try handed out by ``claimProbe(now:policy:)``
    /// counts as one: the failures of requests that were already under way when the server went
    /// out say nothing new, and counting them (dozens under load) took the back-off to its
    /// ceiling after an outage of seconds.
    mutating func recordFailure(now: UInt64, policy: UpstreamHealthPolicy) -> Transition? {
        self.failures = min(self.failures + 1, 0xFFFF)
        if self.isDown {
            guard self.probeOutstanding else { return nil }
            self.probeOutstanding = false
            self.backoffLevel = min(self.backoffLevel + 1, 0x1F)
            self.retryAt = now + policy.backoffMilliseconds(level: self.backoffLevel)
            return nil
        }
        guard self.failures >= policy.maxFailures else { return nil }
        self.isDown = true
        self.backoffLevel = 0
        self.probeOutstanding = false
        self.retryAt = now + policy.backoffMilliseconds(level: 0)
        return .wentDown
    }

    /// An active health check found the server unhealthy: out now, whatever the count.
    mutating func markDown(now: UInt64, policy: UpstreamHealthPolicy) -> Transition? {
        guard !self.isDown else {
            self.downByCheck = true
            return nil
        }
        self.isDown = true
        self.downByCheck = true
        self.failures = max(self.failures, policy.maxFailures)
        self.backoffLevel = 0
        self.probeOutstanding = false
        self.retryAt = now + policy.backoffMilliseconds(level: 0)
        return .wentDown
    }

    /// A response arrived: the server is healthy again.
    mutating func recordSuccess() -> Transition? {
        let wasDown = self.isDown
        self = .healthy
        return wasDown ? .cameBack : nil
    }
}
