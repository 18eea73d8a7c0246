/// Why a request's host cannot be used: each is a 400, the request is not forwarded. The raw
/// value is the `GateSummary.reason` (a bounded set, fit for a metrics label).
public enum HostRejection: String, Error, Sendable, Hashable {
    case missingHost = "missing_host"
    case multipleHosts = "multiple_hosts"
    case invalidHost = "invalid_host"
    case unsupportedTarget = "unsupported_target"

    /// The human explanation in the 400 body.
    public var explanation: String {
        switch self {
        case .missingHost: "no Host header"
        case .multipleHosts: "several Host headers"
        case .invalidHost: "unparsable Host"
        case .unsupportedTarget: "unsupported request target"
        }
    }
}
