/// Consecutive results of one server's active health checks, as a value: a verdict comes when a
/// threshold of equal results in a row is reached.
struct ActiveHealthCounter: Equatable {
    enum Verdict: Equatable {
        case healthy
        case unhealthy
    }

    private(set) var successes = 0
    private(set) var failures = 0

    /// Records one check; the verdict once `healthyThreshold` passes or `unhealthyThreshold`
    /// failures in a row are reached (and on every further one while it lasts).
    mutating func record(passed: Bool, policy: UpstreamHealthCheck) -> Verdict? {
        if passed {
            self.failures = 0
            self.successes = min(self.successes + 1, Int(UInt16.max))
            return self.successes >= policy.healthyThreshold ? .healthy : nil
        }
        self.successes = 0
        self.failures = min(self.failures + 1, Int(UInt16.max))
        return self.failures >= policy.unhealthyThreshold ? .unhealthy : nil
    }
}
