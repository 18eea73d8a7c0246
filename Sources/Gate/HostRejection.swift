/// Why a request's host cannot be used: each is a 400, the request is not forwarded.
public enum HostRejection: String, Error, Sendable, Hashable {
    case missingHost = "no Host header"
    case multipleHosts = "several Host headers"
    case invalidHost = "unparsable Host"
    case unsupportedTarget = "unsupported request target"
}
