import NIOHTTP1

/// The head of a response the gateway writes itself (a blocked page, an error page, a redirect):
/// its framing and the headers every such answer carries, decided without I/O.
enum LocalResponseHead {
    /// `Content-Length` is the body's, except that an empty answer to `HEAD` keeps the length it
    /// declares (the GET's body length, RFC 9110 §8.6); `Transfer-Encoding` and `Connection` are
    /// the gateway's to set: `close` when the connection ends after it, `keep-alive` for an
    /// HTTP/1.0 client that may send another request. `X-Request-Id` names the exchange, and
    /// `Strict-Transport-Security` is added on HTTPS when configured.
    static func make(
        _ response: GatewayResponse,
        requestMethod: HTTPMethod?,
        version: HTTPVersion,
        close: Bool,
        requestID: String,
        strictTransportSecurity: String?
    ) -> HTTPResponseHead {
        var headers = response.headers
        let declaredLength = headers.first(name: "content-length").flatMap { UInt64($0) }
        let bodyLength = UInt64(response.body.readableBytes)
        let contentLength = requestMethod == .HEAD && bodyLength == 0 ? declaredLength ?? 0 : bodyLength
        headers.remove(name: "content-length")
        headers.remove(name: "transfer-encoding")
        headers.remove(name: "connection")
        headers.add(name: "Content-Length", value: String(contentLength))
        headers.replaceOrAdd(name: "X-Request-Id", value: requestID)
        if let strictTransportSecurity {
            headers.replaceOrAdd(name: "Strict-Transport-Security", value: strictTransportSecurity)
        }
        if close {
            headers.add(name: "Connection", value: "close")
        } else if version == .http1_0 {
            headers.add(name: "Connection", value: "keep-alive")
        }
        return HTTPResponseHead(version: version, status: response.status, headers: headers)
    }

    /// Whether the body follows the head: never for `HEAD`.
    static func sendsBody(_ response: GatewayResponse, requestMethod: HTTPMethod?) -> Bool {
        requestMethod != .HEAD && response.body.readableBytes > 0
    }
}
