import HTTPHead
import NIOHTTP1

/// What the exchange reads from a request's fields, gathered in one walk over their bytes: the
/// `Connection` options (keep-alive, upgrade, fields it names) and the values the access log
/// records. Only the few values kept become strings.
struct RequestFieldSummary {
    var connection = ConnectionOptions()
    /// The last value of each (a repeated `Host` never gets this far), in the wire form of
    /// ``FieldValueEncoding``; nil when absent.
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
        self.init(RequestFields(headers))
    }

    init(_ fields: RequestFields) {
        self.fieldLineBytes = fields.lines.count
        fields.forEach { index, name, value in
            // The length picks the one or two names worth comparing.
            switch name.count {
            case 4 where ASCII.equalsCaseInsensitive(name, "host"): self.host = fields.valueText(at: index)
            case 7 where ASCII.equalsCaseInsensitive(name, "referer"): self.referer = fields.valueText(at: index)
            case 10:
                if ASCII.equalsCaseInsensitive(name, "connection") {
                    self.connection.read(value)
                } else if ASCII.equalsCaseInsensitive(name, "user-agent") {
                    self.userAgent = fields.valueText(at: index)
                }
            case 12 where ASCII.equalsCaseInsensitive(name, "x-request-id"):
                let value = fields.valueText(at: index)
                if RequestIDGenerator.isAcceptable(value) { self.acceptableRequestID = value }
            default: break
            }
        }
    }
}
