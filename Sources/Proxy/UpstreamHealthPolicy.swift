import NIOCore

/// Passive health: when a server is taken out and for how long.
public struct UpstreamHealthPolicy: Sendable, Hashable {
    /// Consecutive connect failures or resets after which a server is taken out.
    public var maxFailures: Int
    /// How long a server stays out before one request tries it again; doubled after each failed
    /// try, up to `maxBackoff`.
    public var backoff: TimeAmount
    public var maxBackoff: TimeAmount
    /// A server that is out is tried again with one request after its back-off; false while
    /// active health checks run (they alone bring it back).
    var probesWithRequests = true

    public init(maxFailures: Int = 3, backoff: TimeAmount = .seconds(10), maxBackoff: TimeAmount? = nil) {
        self.maxFailures = max(1, maxFailures)
        self.backoff = backoff
        self.maxBackoff = maxBackoff ?? backoff * 8
    }

    /// The back-off after `level` failed tries, in milliseconds.
    func backoffMilliseconds(level: Int) -> UInt64 {
        let base = UInt64(max(1, self.backoff.nanoseconds / 1_000_000))
        let ceiling = UInt64(max(1, self.maxBackoff.nanoseconds / 1_000_000))
        let shifted = base << UInt64(min(level, 20))
        return min(max(base, ceiling), shifted)
    }
}
