import NIOCore
import NIOHTTP1

/// Rewrites heads crossing the gateway (RFC 9110 §7.6): hop-by-hop fields removed — `Connection`
/// and every field it names first, then the fixed list — before the gateway adds its own `Via`,
/// `X-Forwarded-*` and framing. Every other field keeps its order and repeats. Pure.
public struct ForwardingHeaderPolicy: Sendable {
    /// Peers whose `Forwarded` / `X-Forwarded-*` fields are kept and extended.
    public var trustedProxies: [CIDRBlock]
    /// The pseudonym in `Via: 1.1 <name>`.
    public var viaPseudonym: String {
        didSet { self.via11 = "1.1 \(self.viaPseudonym)" }
    }
    private var via11: String

    public init(trustedProxies: [CIDRBlock] = [], viaPseudonym: String = "freezegate") {
        self.trustedProxies = trustedProxies
        self.viaPseudonym = viaPseudonym
        self.via11 = "1.1 \(viaPseudonym)"
    }

    /// What the policy needs to know about a client connection, computed once per connection.
    public struct ClientIdentity: Sendable {
        /// The peer's IP as written into `X-Forwarded-For`.
        public var ip: String
        /// The peer is a configured trusted proxy.
        public var trusted: Bool
    }

    public func identify(_ address: SocketAddress?) -> ClientIdentity {
        ClientIdentity(ip: address?.ipAddress ?? "unknown", trusted: self.isTrusted(address))
    }

    func viaValue(_ version: HTTPVersion) -> String {
        version == .http1_1 ? self.via11 : "\(Self.viaVersion(version)) \(self.viaPseudonym)"
    }

    public func isTrusted(_ address: SocketAddress?) -> Bool {
        guard let address, !self.trustedProxies.isEmpty else { return false }
        return self.trustedProxies.contains { $0.contains(address) }
    }

    /// Lower-cased tokens of every `Connection` field.
    static func connectionTokens(_ headers: HTTPHeaders) -> Set<String> {
        var tokens = Set<String>()
        for value in headers[canonicalForm: "connection"] {
            tokens.insert(value.trimmingASCIIWhitespace().lowercased())
        }
        return tokens
    }

    /// Whether the request asks for a WebSocket upgrade the gateway may tunnel.
    public static func isWebSocketUpgrade(_ head: HTTPRequestHead) -> Bool {
        guard head.method == .GET, head.version == .http1_1 else { return false }
        guard connectionTokens(head.headers).contains("upgrade") else { return false }
        let upgrades = head.headers[canonicalForm: "upgrade"].map { $0.trimmingASCIIWhitespace().lowercased() }
        return upgrades == ["websocket"]
    }

    /// Whether `name` is one of the fixed hop-by-hop fields of RFC 9110 §7.6.1. Runs on every
    /// header of every message: the length picks the one or two names worth comparing.
    static func isFixedHopByHop(_ name: String) -> Bool {
        switch name.utf8.count {
        case 2: return name.equalsIgnoringASCIICase("te")
        case 7: return name.equalsIgnoringASCIICase("trailer") || name.equalsIgnoringASCIICase("upgrade")
        case 10: return name.equalsIgnoringASCIICase("connection") || name.equalsIgnoringASCIICase("keep-alive")
        case 16: return name.equalsIgnoringASCIICase("proxy-connection")
        case 17: return name.equalsIgnoringASCIICase("transfer-encoding")
        default: return false
        }
    }

    /// `headers` in order without the hop-by-hop fields, the fields `Connection` names and those
    /// `alsoDrop` matches, built in one pass into storage with room for `extra` more fields
    /// (every forwarded message gets a few): one allocation instead of a copy per removal.
    static func forwardedFields(
        _ headers: HTTPHeaders,
        keepUpgrade: Bool,
        extra: Int,
        alsoDrop: (String) -> Bool
    ) -> HTTPHeaders {
        // Field names listed in Connection, beyond the fixed ones ("close" names no field).
        var named: [String] = []
        for (name, value) in headers where name.equalsIgnoringASCIICase("connection") {
            // Walked by index rather than `split` (no array for the usual `keep-alive`).
            var rest = Substring(value)
            while !rest.isEmpty {
                let comma = rest.firstIndex(of: ",") ?? rest.endIndex
                let name = String(rest[rest.startIndex..<comma].trimmingASCIIWhitespace())
                rest = comma == rest.endIndex ? "" : rest[rest.index(after: comma)...]
                if name.isEmpty || name.equalsIgnoringASCIICase("close") || isFixedHopByHop(name) {
                    continue
                }
                named.append(name)
            }
        }
        var result = HTTPHeaders()
        result.reserveCapacity(headers.count + extra)
        for (name, value) in headers {
            if isFixedHopByHop(name) {
                let upgradeField = name.equalsIgnoringASCIICase("connection") || name.equalsIgnoringASCIICase("upgrade")
                guard keepUpgrade && upgradeField else { continue }
            } else if !named.isEmpty && named.contains(where: { $0.equalsIgnoringASCIICase(name) }) {
                continue
            }
            if alsoDrop(name) { continue }
            result.add(name: name, value: value)
        }
        return result
    }

    /// The framing of a request as received (the validator guarantees it is unambiguous).
    public static func requestFraming(_ head: HTTPRequestHead) -> MessageFraming {
        if head.headers.contains(name: "transfer-encoding") { return .chunked }
        if let length = head.headers.first(name: "content-length").flatMap({ Int($0.trimmingASCIIWhitespace()) }) {
            return length == 0 ? .length(0) : .length(length)
        }
        return .none
    }

    /// The head to send upstream for a forwarded request.
    ///
    /// - Parameters:
    ///   - head: the decided head (the Gate may have rewritten it).
    ///   - framing: the body framing of the request as received.
    ///   - client: the TCP peer.
    ///   - webSocket: keep `Upgrade: websocket` / `Connection: upgrade` for a tunnel.
    public func upstreamRequestHead(
        _ head: HTTPRequestHead,
        framing: MessageFraming,
        client: SocketAddress?,
        isTLS: Bool,
        webSocket: Bool
    ) -> HTTPRequestHead {
        self.upstreamRequestHead(
            head,
            framing: framing,
            client: self.identify(client),
            isTLS: isTLS,
            webSocket: webSocket
        )
    }

    /// As above, with the client identity computed once per connection.
    public func upstreamRequestHead(
        _ head: HTTPRequestHead,
        framing: MessageFraming,
        client: ClientIdentity,
        isTLS: Bool,
        webSocket: Bool
    ) -> HTTPRequestHead {
        var uri = head.uri
        var absoluteAuthority: String?
        // Absolute-form target → origin-form with the target's authority as Host (RFC 9112 §3.2.2).
        if let (authority, path) = Self.splitAbsoluteForm(uri) {
            uri = path
            absoluteAuthority = authority
        }
        let trusted = client.trusted
        let previousForwardedFor = trusted ? head.headers[canonicalForm: "x-forwarded-for"].joined(separator: ", ") : ""
        let previousProto = trusted ? head.headers.first(name: "x-forwarded-proto") : nil
        let previousHost = trusted ? head.headers.first(name: "x-forwarded-host") : nil
        // Framing is the gateway's; forwarding fields are the gateway's unless a trusted proxy
        // sent them (then they are re-added below, extended).
        var headers = Self.forwardedFields(head.headers, keepUpgrade: false, extra: 7) { name in
            if name.equalsIgnoringASCIICase("content-length") { return true }
            if absoluteAuthority != nil && name.equalsIgnoringASCIICase("host") { return true }
            if trusted {
                return name.equalsIgnoringASCIICase("x-forwarded-for")
                    || name.equalsIgnoringASCIICase("x-forwarded-proto")
                    || name.equalsIgnoringASCIICase("x-forwarded-host")
            }
            return Self.isClientForwardingField(name)
        }
        if let absoluteAuthority {
            headers.add(name: "Host", value: absoluteAuthority)
        }
        if webSocket {
            headers.add(name: "Connection", value: "Upgrade")
            headers.add(name: "Upgrade", value: head.headers.first(name: "upgrade") ?? "websocket")
        }
        headers.add(name: "Via", value: self.viaValue(head.version))
        let clientIP = client.ip
        headers.add(
            name: "X-Forwarded-For",
            value: previousForwardedFor.isEmpty ? clientIP : "\(previousForwardedFor), \(clientIP)"
        )
        headers.add(name: "X-Forwarded-Proto", value: previousProto ?? (isTLS ? "https" : "http"))
        if let host = previousHost ?? headers.first(name: "host") {
            headers.add(name: "X-Forwarded-Host", value: host)
        }
        switch framing {
        case .none, .untilClose:
            break
        case .length(let length):
            headers.add(name: "Content-Length", value: String(length))
        case .chunked:
            headers.add(name: "Transfer-Encoding", value: "chunked")
        }
        return HTTPRequestHead(version: .http1_1, method: head.method, uri: uri, headers: headers)
    }

    /// The head to send the client for an upstream response, and the framing the gateway uses.
    ///
    /// - Parameters:
    ///   - requestMethod: the client's method (HEAD responses carry no body).
    ///   - clientVersion: the client's HTTP version (chunked only to HTTP/1.1 clients).
    ///   - closeClient: the gateway will close the client connection after this response.
    public func clientResponseHead(
        _ head: HTTPResponseHead,
        requestMethod: HTTPMethod,
        clientVersion: HTTPVersion,
        closeClient: Bool,
        tunnel: Bool
    ) -> (HTTPResponseHead, MessageFraming) {
        let code = head.status.code
        if tunnel {
            var headers = Self.forwardedFields(head.headers, keepUpgrade: true, extra: 1) { _ in false }
            headers.add(name: "Via", value: self.viaValue(head.version))
            return (HTTPResponseHead(version: .http1_1, status: head.status, headers: headers), .none)
        }
        let bodyless = requestMethod == .HEAD || (100..<200).contains(code) || code == 204 || code == 304
        let upstreamLength = head.headers.first(name: "content-length").flatMap { Int($0.trimmingASCIIWhitespace()) }
        let lengthFraming = upstreamLength != nil && !head.headers.contains(name: "transfer-encoding")
        // Content-Length stays only where it frames the body sent to the client (or, bodyless, as
        // the upstream declared it).
        let dropLength = !bodyless && !lengthFraming
        var headers = Self.forwardedFields(head.headers, keepUpgrade: false, extra: 3) { name in
            dropLength && name.equalsIgnoringASCIICase("content-length")
        }
        var framing: MessageFraming
        if bodyless {
            framing = .none
        } else if lengthFraming, let upstreamLength {
            framing = .length(upstreamLength)
        } else {
            if clientVersion == .http1_1 {
                headers.add(name: "Transfer-Encoding", value: "chunked")
                framing = .chunked
            } else {
                framing = .untilClose
            }
        }
        headers.add(name: "Via", value: self.viaValue(head.version))
        if (100..<200).contains(code) {
            return (HTTPResponseHead(version: .http1_1, status: head.status, headers: headers), .none)
        }
        if closeClient || framing == .untilClose {
            headers.add(name: "Connection", value: "close")
        } else if clientVersion == .http1_0 {
            headers.add(name: "Connection", value: "keep-alive")
        }
        return (HTTPResponseHead(version: clientVersion, status: head.status, headers: headers), framing)
    }

    static func isClientForwardingField(_ name: String) -> Bool {
        name.equalsIgnoringASCIICase("forwarded") || name.hasPrefixIgnoringASCIICase("x-forwarded-")
    }

    static func viaVersion(_ version: HTTPVersion) -> String {
        "\(version.major).\(version.minor)"
    }

    static func splitAbsoluteForm(_ uri: String) -> (authority: String, path: String)? {
        guard uri.first != "/" else { return nil }
        let schemeLength: Int
        if uri.hasPrefixIgnoringASCIICase("http://") {
            schemeLength = 7
        } else if uri.hasPrefixIgnoringASCIICase("https://") {
            schemeLength = 8
        } else {
            return nil
        }
        let rest = uri.dropFirst(schemeLength)
        let end = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
        let authority = String(rest[rest.startIndex..<end])
        var path = String(rest[end...])
        if path.isEmpty || path.hasPrefix("?") { path = "/" + path }
        guard !authority.isEmpty else { return nil }
        return (authority, path)
    }
}
