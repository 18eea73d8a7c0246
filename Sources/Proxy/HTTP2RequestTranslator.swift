import HTTPHead
import NIOHPACK
import NIOHTTP1

/// Turns an HTTP/2 request's header block into the HTTP/1.1 head the gateway decides on and
/// forwards (RFC 9113 §8.2–8.3), refusing every block that HTTP/1.1 could read differently.
///
/// Each refusal closes a known downgrade-smuggling path: an upper-case or invalid name, CR, LF
/// or NUL in a value (a second header line or request upstream), a connection-specific field
/// (`Connection`, `Keep-Alive`, `Proxy-Connection`, `Transfer-Encoding`, `Upgrade`, `TE` other
/// than `trailers`: framing or hop-by-hop meaning the client may not choose), a pseudo-header
/// repeated, unknown or after a regular field, `:authority` disagreeing with `Host` (two
/// hosts, two tenants), and a `content-length` that is not one number. The head it returns has
/// framing the gateway chose: the client's `content-length`, or `content-length: 0` for a body-
/// carrying method without body, or `transfer-encoding: chunked` for a body of unknown length.
/// Field values leave it as bytes, as the HTTP/1.1 parser hands them over (``RequestFields``):
/// HPACK gives them as UTF-8 text, whose bytes are the ones the client sent, so a value such as
/// `café` or `отчёт` reaches the upstream not rewritten. Pure: no I/O, tested without a connection.
enum HTTP2RequestTranslator {
    /// Whether `name` is a field that only means something on one HTTP/1.1 connection (RFC 9113
    /// §8.2.2): `connection`, `keep-alive`, `proxy-connection`, `transfer-encoding`, `upgrade` —
    /// the fixed hop-by-hop fields but `te`, in any case. Runs on every field of every stream and
    /// response: compared by length, no hashing.
    static func isConnectionSpecific<Name: Collection<UInt8>>(_ name: Name) -> Bool {
        name.count != 2 && ForwardingHeaderPolicy.isFixedHopByHop(name)
    }

    /// The request head for HTTP/1.1, or why the block is refused (400).
    /// - Parameters:
    ///   - headers: the HEADERS frame's block, as decoded by HPACK.
    ///   - endStream: the frame ends the stream (the request has no body).
    ///   - limits: the same limits as an HTTP/1.1 head (field count → 431, target length → 414).
    static func requestHead(
        _ headers: HPACKHeaders,
        endStream: Bool,
        limits: RequestLimits = RequestLimits()
    ) -> Result<RequestHead, RequestRejection> {
        if headers.count > limits.maxHeaderCount + 4 {
            return .failure(RequestRejection(.requestHeaderFieldsTooLarge, "too many header fields"))
        }
        var method: String?
        var scheme: String?
        var authority: String?
        var path: String?
        var regularFieldSeen = false
        // The head's fields as HPACK's text, gathered first: the first place is the host's, filled
        // in once the block is read, and the cookie's place is known before its crumbs are.
        var fields: [(String, String)] = []
        fields.reserveCapacity(headers.count + 3)
        fields.append(("host", ""))
        var host: String?
        // The crumbs joined as they come: one crumb (what most clients send) is the value as it
        // came, its storage shared, not copied.
        var cookie = ""
        var cookieIndex: Int?
        var contentLength: UInt64?

        for (name, value, _) in headers {
            if name.utf8.first == UInt8(ascii: ":") {
                if regularFieldSeen { return .failure(Self.malformed("pseudo-header \(name) after a regular field")) }
                guard Self.isValidValue(value, allowEmpty: name != ":path") else {
                    return .failure(Self.malformed("invalid \(name)"))
                }
                switch name {
                case ":method":
                    guard method == nil else { return .failure(Self.malformed("repeated :method")) }
                    guard !value.isEmpty, value.utf8.allSatisfy(ASCII.isTokenByte) else {
                        return .failure(Self.malformed("invalid :method"))
                    }
                    method = value
                case ":scheme":
                    guard scheme == nil else { return .failure(Self.malformed("repeated :scheme")) }
                    scheme = value
                case ":authority":
                    guard authority == nil else { return .failure(Self.malformed("repeated :authority")) }
                    authority = value
                case ":path":
                    guard path == nil else { return .failure(Self.malformed("repeated :path")) }
                    path = value
                default:
                    return .failure(Self.malformed("unknown pseudo-header \(name)"))
                }
                continue
            }
            regularFieldSeen = true
            guard Self.isLowerCaseToken(name) else {
                return .failure(Self.malformed("invalid field name"))
            }
            guard Self.isValidValue(value, allowEmpty: true) else {
                return .failure(Self.malformed("invalid value of \(name)"))
            }
            if Self.isConnectionSpecific(name.utf8) {
                return .failure(Self.malformed("connection-specific field \(name)"))
            }
            switch name {
            case "te":
                guard value == "trailers" else { return .failure(Self.malformed("te other than trailers")) }
            case "host":
                guard host == nil else { return .failure(Self.malformed("repeated host")) }
                host = value
                continue
            case "cookie":
                // Crumbs travel as separate fields in HTTP/2 (RFC 9113 §8.2.3); HTTP/1.1 has one.
                if cookieIndex == nil {
                    cookieIndex = fields.count
                    fields.append(("cookie", ""))
                }
                // An empty crumb adds nothing, and joined it would end the value in a space.
                if !value.isEmpty {
                    if !cookie.isEmpty { cookie += "; " }
                    cookie += value
                }
                continue
            case "content-length":
                guard !value.isEmpty, value.utf8.count <= 19, value.utf8.allSatisfy(ASCII.isDigit),
                    let length = UInt64(value)
                else {
                    return .failure(Self.malformed("invalid content-length"))
                }
                if let earlier = contentLength, earlier != length {
                    return .failure(Self.malformed("conflicting content-length"))
                }
                if contentLength != nil { continue }
                contentLength = length
            default:
                break
            }
            fields.append((name, value))
        }

        guard let method else { return .failure(Self.malformed("no :method")) }
        if let cookieIndex { fields[cookieIndex].1 = cookie }
        let target: String
        if method == "CONNECT" {
            guard let authority, scheme == nil, path == nil else {
                return .failure(Self.malformed("CONNECT with :scheme or :path, or without :authority"))
            }
            target = authority
        } else {
            guard let scheme, !scheme.isEmpty, let path else {
                return .failure(Self.malformed("no :scheme or :path"))
            }
            guard path.utf8.first == UInt8(ascii: "/") || (path == "*" && method == "OPTIONS") else {
                return .failure(Self.malformed("invalid :path"))
            }
            target = path
        }
        // The target becomes the middle of an HTTP/1.1 request line, where a space or a tab would
        // end it early: `GET /customer /company/1 HTTP/1.1` is read one way by one server and
        // another way by the next. Bytes above 0x7F stay (UTF-8 text, as an HTTP/1.1 target may
        // carry them).
        guard target.utf8.allSatisfy({ $0 > 0x20 && $0 != 0x7F }) else {
            return .failure(Self.malformed("space or control character in the request target"))
        }
        if target.utf8.count > limits.maxRequestLineBytes {
            return .failure(RequestRejection(.uriTooLong, "request target too long"))
        }
        if let authority, authority.utf8.contains(UInt8(ascii: "@")) {
            return .failure(Self.malformed(":authority with userinfo"))
        }
        // Both name the host the Gate resolves the tenant from: they must name the same one.
        if let authority, let host, !authority.equalsIgnoringASCIICase(host) {
            return .failure(RequestRejection(.badRequest, "HTTP/2 :authority and host disagree"))
        }
        guard let hostValue = host ?? authority, !hostValue.isEmpty else {
            return .failure(RequestRejection(.badRequest, "HTTP/2 request without :authority or host"))
        }

        fields[0].1 = hostValue
        if contentLength == nil {
            if !endStream {
                fields.append(("transfer-encoding", "chunked"))
            } else if Self.methodExpectsBody(method) {
                fields.append(("content-length", "0"))
            }
        } else if endStream, contentLength != 0 {
            return .failure(Self.malformed("content-length without DATA"))
        }
        var lines = 0
        for (name, value) in fields { lines += name.utf8.count + value.utf8.count + 4 }
        var requestFields = RequestFields(reservingBytes: lines, fields: fields.count)
        for (name, value) in fields { requestFields.append(name: name.utf8, value: value.utf8) }
        return .success(
            RequestHead(method: HTTPMethod(rawValue: method), uri: target, version: .http1_1, fields: requestFields)
        )
    }

    /// Checks a trailer block (no pseudo-headers, the same field rules) for HTTP/1.1.
    static func trailers(_ headers: HPACKHeaders) -> Result<HTTPHeaders, RequestRejection> {
        var trailers = HTTPHeaders()
        for (name, value, _) in headers {
            guard Self.isLowerCaseToken(name) else {
                return .failure(Self.malformed("invalid trailer field name"))
            }
            guard Self.isValidValue(value, allowEmpty: true) else {
                return .failure(Self.malformed("invalid value of trailer \(name)"))
            }
            if Self.isConnectionSpecific(name.utf8) || name == "te" || name == "content-length"
                || name == "host"
            {
                return .failure(Self.malformed("trailer \(name) not allowed"))
            }
            trailers.add(name: name, value: FieldValueEncoding.decode(utf8Text: value))
        }
        return .success(trailers)
    }

    /// A field value HTTP/1.1 reads as one value: no CR, LF or NUL (RFC 9113 §8.2.1), no other
    /// control byte but HTAB, no whitespace at either end.
    /// Every value of every stream passes here: its bytes are read where the string keeps them
    /// (``FieldLineSyntax/isFieldValue(_:)``, vector instructions), not through the UTF-8 view's
    /// iterator one element at a time.
    static func isValidValue(_ value: String, allowEmpty: Bool) -> Bool {
        var value = value
        return value.withUTF8 { bytes in
            guard let first = bytes.first, let last = bytes.last else { return allowEmpty }
            if first == 0x20 || first == 0x09 || last == 0x20 || last == 0x09 { return false }
            return FieldLineSyntax.isFieldValue(UnsafeRawBufferPointer(bytes))
        }
    }

    /// A field name as HTTP/2 requires it: a non-empty token with no upper-case letter.
    static func isLowerCaseToken(_ name: String) -> Bool {
        var name = name
        return name.withUTF8 { bytes in
            guard !bytes.isEmpty else { return false }
            for byte in bytes where !ASCII.isTokenByte(byte) || (byte >= 0x41 && byte <= 0x5A) { return false }
            return true
        }
    }

    /// Methods whose HTTP/1.1 request is read as carrying a body, so an empty one gets
    /// `content-length: 0` (as HTTP/1.1 clients send it) rather than no framing at all.
    private static func methodExpectsBody(_ method: String) -> Bool {
        method == "POST" || method == "PUT" || method == "PATCH"
    }

    private static func malformed(_ reason: String) -> RequestRejection {
        RequestRejection(.badRequest, "malformed HTTP/2 request: \(reason)")
    }
}
