import HTTPHead
import NIOHTTP1

/// What the exchange reads from a request's fields, gathered in one walk over their bytes: the
/// `Connection` options (keep-alive, upgrade, fields it names) and where the values the access log
/// records lie. Only a request ID that may be kept becomes a string.
struct RequestFieldSummary {
    var connection = ConnectionOptions()
    /// The `Host` value (a repeated `Host` never gets this far) and the first `Referer` and
    /// `User-Agent` values, as nginx's `$http_referer` and `$http_user_agent`, read in place in the
    /// fields' lines.
    var logged = AccessLogFieldValues()
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
        self.logged.lines = fields.lines
        fields.forEach { index, name, value in
            // The length picks the one or two names worth comparing.
            switch name.count {
            case 4 where ASCII.equalsCaseInsensitive(name, "host"): self.logged.host = fields.valueRange(at: index)
            case 7 where self.logged.referer == nil && ASCII.equalsCaseInsensitive(name, "referer"):
                self.logged.referer = fields.valueRange(at: index)
            case 10:
                if ASCII.equalsCaseInsensitive(name, "connection") {
                    self.connection.read(value)
                } else if self.logged.userAgent == nil, ASCII.equalsCaseInsensitive(name, "user-agent") {
                    self.logged.userAgent = fields.valueRange(at: index)
                }
            case 12 where ASCII.equalsCaseInsensitive(name, "x-request-id"):
                let value = fields.valueText(at: index)
                if RequestIDGenerator.isAcceptable(value) { self.acceptableRequestID = value }
            default: break
            }
        }
    }
}
