import NIOHTTP1

/// Which of an upstream response's fields reach the client, and the body's framing toward it:
/// one decision for the HTTP/1.1 head the gateway writes and for the HTTP/2 header block, so both
/// protocols drop and replace the same fields. Pure: no I/O.
struct ClientResponseFieldSelection {
    /// How the body travels to the client: by length, chunked, until the close, or none.
    let framing: MessageFraming
    /// `Content-Length` goes: it would not frame the body the client gets.
    private let dropsLength: Bool
    /// A `101` the gateway accepted: `Connection` and `Upgrade` stay.
    private let tunnel: Bool
    /// The gateway's own `X-Request-Id` replaces the upstream's.
    let requestID: String?
    /// The gateway's own `Strict-Transport-Security` replaces the upstream's.
    let strictTransportSecurity: String?
    /// The lower-cased names the response's `Connection` fields list beyond the fixed ones.
    private let named: [[UInt8]]

    /// - Parameters:
    ///   - requestMethod: the client's method (HEAD responses carry no body).
    ///   - clientVersion: the client's HTTP version (chunked only to HTTP/1.1 clients).
    ///   - tunnel: a `101` the gateway accepted.
    ///   - requestID: the exchange's `X-Request-Id` (not put on a 1xx interim response; a `101`
    ///     tunnel gets it).
    ///   - strictTransportSecurity: the configured value (likewise).
    init(
        _ head: UpstreamResponseHead,
        requestMethod: HTTPMethod,
        clientVersion: HTTPVersion,
        tunnel: Bool,
        requestID: String?,
        strictTransportSecurity: String?
    ) {
        let code = head.status
        let informational = head.isInformational
        let bodyless = requestMethod == .HEAD || informational || code == 204 || code == 304
        let lengthFraming = head.contentLength != nil && head.transferCoding == .none
        // Content-Length stays only where it frames the body sent to the client (or, bodyless, as
        // the upstream declared it for a HEAD or a 304) — never on a 1xx or a 204, which must not
        // carry one (RFC 9110 §8.6; nginx drops it from a 204 too): a cache or balancer behind the
        // client that honoured it would take the next response's first bytes for this body.
        self.dropsLength = informational || code == 204 || (!tunnel && !bodyless && !lengthFraming)
        if tunnel || bodyless {
            self.framing = .none
        } else if lengthFraming, let length = head.contentLength {
            self.framing = .length(length)
        } else {
            self.framing = clientVersion == .http1_1 ? .chunked : .untilClose
        }
        self.tunnel = tunnel
        // A `101` the gateway accepted is the request's answer (the tunnel follows), and carries
        // the request's ID like every other answer; a `100` or `103` is only a step toward it.
        self.requestID = informational && !tunnel ? nil : requestID
        self.strictTransportSecurity = informational && !tunnel ? nil : strictTransportSecurity
        self.named = head.connectionNamesFields ? Self.connectionNamedFields(head) : []
    }

    /// Whether the field called `name` (as the upstream spelled it) is passed on.
    func keeps(_ name: Slice<UnsafeRawBufferPointer>) -> Bool {
        if ForwardingHeaderPolicy.isFixedHopByHop(name) {
            return self.tunnel
                && (ASCII.equalsCaseInsensitive(name, "connection") || ASCII.equalsCaseInsensitive(name, "upgrade"))
        }
        if ASCII.equalsCaseInsensitive(name, "content-length") {
            // Where it stays, it frames the body the client gets: no `Connection` option takes it.
            return !self.dropsLength
        }
        if self.requestID != nil && ASCII.equalsCaseInsensitive(name, "x-request-id") { return false }
        if self.strictTransportSecurity != nil && ASCII.equalsCaseInsensitive(name, "strict-transport-security") {
            return false
        }
        if !self.named.isEmpty {
            return !self.named.contains { $0.elementsEqual(name.lazy.map(ASCII.lowercased)) }
        }
        return true
    }

    /// The lower-cased names a response's `Connection` fields list (beyond the fixed ones).
    private static func connectionNamedFields(_ head: UpstreamResponseHead) -> [[UInt8]] {
        var named: [[UInt8]] = []
        head.bytes.withUnsafeReadableBytes { bytes in
            for field in head.fields where ASCII.equalsCaseInsensitive(bytes[field.name], "connection") {
                FieldValueList.forEachElement(of: bytes[field.value], emptyElements: .skipped) { token in
                    let name = token.map(ASCII.lowercased)
                    if ForwardingHeaderPolicy.namesAField(connectionToken: name) { named.append(name) }
                }
            }
        }
        return named
    }
}
