import NIOHTTP1

/// What the exchange reads from a request's fields, gathered in one walk over them: the
/// `Connection` options (keep-alive, upgrade, fields it names) and the values the access log
/// records. Every walk over NIO's `HTTPHeaders` retains and releases each name and value, and a
/// browser's request has a dozen fields; the exchange used to walk them once per question.
struct RequestFieldSummary {
    var connection = ConnectionOptions()
    /// The last value of each (a repeated `Host` never gets this far); nil when absent.
    var host: String?
    var referer: String?
    var userAgent: String?
    /// The last `X-Request-Id` fit to be kept (``RequestIDGenerator/isAcceptable(_:)``); whether
    /// it is kept depends on the client being a trusted proxy.
    var acceptableRequestID: String?
    /// The bytes of the field lines (`name: value` and CRLF each): what a buffer for the head sent
    /// upstream needs besides the request line and the gateway's own fields.
    var fieldLineBytes = 0

    init(_ headers: HTTPHeaders) {
        for (name, value) in headers {
            self.fieldLineBytes += name.utf8.count + value.utf8.count + 4
            // The length picks the one or two names worth comparing.
            switch name.utf8.count {
            case 4 where name.equalsIgnoringASCIICase("host"): self.host = value
            case 7 where name.equalsIgnoringASCIICase("referer"): self.referer = value
            case 10:
                if name.equalsIgnoringASCIICase("connection") {
                    self.connection.read(value)
                } else if name.equalsIgnoringASCIICase("user-agent") {
                    self.userAgent = value
                }
            case 12 where name.equalsIgnoringASCIICase("x-request-id"):
                if RequestIDGenerator.isAcceptable(value) { self.acceptableRequestID = value }
            default: break
            }
        }
    }
}
