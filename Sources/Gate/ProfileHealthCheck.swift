/// The profile's `upstream_health_check`: active HTTP checks of every upstream server.
public struct ProfileHealthCheck: Sendable, Hashable {
    public static let keys: Set<String> = ["path", "interval", "timeout", "healthy_threshold", "unhealthy_threshold"]

    /// An origin-form path (`/healthz`).
    public var path: String = "/"
    /// Seconds between the end of one check and the start of the next.
    public var interval: Double = 5
    /// Seconds a check may take (connect and status line).
    public var timeout: Double = 2
    public var healthyThreshold: Int = 2
    public var unhealthyThreshold: Int = 3

    public init() {}
}
