import NIOCore

/// Active health checks: every `interval` each server is asked `GET path` on a connection of its
/// own; `unhealthyThreshold` failed checks in a row (no 2xx or 3xx within `timeout`) take it out,
/// `healthyThreshold` good ones in a row bring it back. While they run, a server that is out
/// comes back only through them (no request is risked on it).
public struct UpstreamHealthCheck: Sendable, Hashable {
    public var path: String
    public var interval: TimeAmount
    public var timeout: TimeAmount
    public var healthyThreshold: Int
    public var unhealthyThreshold: Int

    public init(
        path: String = "/",
        interval: TimeAmount = .seconds(5),
        timeout: TimeAmount = .seconds(2),
        healthyThreshold: Int = 2,
        unhealthyThreshold: Int = 3
    ) {
        self.path = path
        self.interval = interval
        self.timeout = timeout
        self.healthyThreshold = max(1, healthyThreshold)
        self.unhealthyThreshold = max(1, unhealthyThreshold)
    }
}
