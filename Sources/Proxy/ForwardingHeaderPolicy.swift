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

    /// Whether `name` is one of the fixed hop-by-hop fields of RFC 9110 §7.6.1.
    static func isFixedHopByHop(_ name: String) -> Bool {
        name.equalsIgnoringASCIICase("connection") || name.equalsIgnoringASCIICase("keep-alive")
            || name.equalsIgnoringASCIICase("te") || name.equalsIgnoringASCIICase("trailer")
            || name.equalsIgnoringASCIICase("transfer-encoding") || name.equalsIgnoringASCIICase("upgrade")
            || name.equalsIgnoringASCIICase("proxy-connection")
    }

    /// Removes hop-by-hop fields (and the fields `Connection` names) from `headers`.
    /// `keepUpgrade`: keep `Connection` and `Upgrade` (a tunnel's 101).
    static func removeHopByHop(_ headers: inout HTTPHeaders, keepUpgrade: Bool = false) {
        // Field names listed in Connection, beyond the fixed ones ("close" names no field).
        var named: [String] = []
        for (name, value) in headers where name.equalsIgnoringASCIICase("connection") {
            for token in value.split(separator: ",") {
                let token = String(token.trimmingASCIIWhitespace())
                if token.isEmpty || token.equalsIgnoringASCIICase("close") || isFixedHopByHop(token) { continue }
                named.append(token)
            }
        }
        func removes(_ name: String) -> Bool {
            if keepUpgrade && (name.equalsIgnoringASCIICase("connection") || name.equalsIgnoringASCIICase("upgrade")) {
                return false
            }
            if isFixedHopByHop(name) { return true }
            return named.contains { $0.equalsIgnoringASCIICase(name) }
        }
        var doomed: [String] = []
        for (name, _) in headers where removes(name) && !doomed.contains(where: { $0.equalsIgnoringASCIICase(name) }) {
            doomed.append(name)
        }
        for name in doomed {
            headers.remove(name: name)
        }
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
        var headers = head.headers
        var uri = head.uri
        // Absolute-form target → origin-form with the target's authority as Host (RFC 9112 §3.2.2).
        if let (authority, path) = Self.splitAbsoluteForm(uri) {
            uri = path
            headers.replaceOrAdd(name: "Host", value: authority)
        }
        Self.removeHopByHop(&headers)
        headers.remove(name: "content-length")
        let trusted = client.trusted
        let previousForwardedFor = trusted ? headers[canonicalForm: "x-forwarded-for"].joined(separator: ", ") : ""
        let previousProto = trusted ? headers.first(name: "x-forwarded-proto") : nil
        let previousHost = trusted ? headers.first(name: "x-forwarded-host") : nil
        if !trusted {
            if headers.contains(where: { Self.isClientForwardingField($0.name) }) {
                var kept = HTTPHeaders()
                for (name, value) in headers where !Self.isClientForwardingField(name) {
                    kept.add(name: name, value: value)
                }
                headers = kept
            }
        } else {
            headers.remove(name: "x-forwarded-for")
            headers.remove(name: "x-forwarded-proto")
            headers.remove(name: "x-forwarded-host")
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
        var headers = head.headers
        let code = head.status.code
        if tunnel {
            Self.removeHopByHop(&headers, keepUpgrade: true)
            headers.add(name: "Via", value: self.viaValue(head.version))
            return (HTTPResponseHead(version: .http1_1, status: head.status, headers: headers), .none)
        }
        let bodyless = requestMethod == .HEAD || (100..<200).contains(code) || code == 204 || code == 304
        let upstreamLength = headers.first(name: "content-length").flatMap { Int($0.trimmingASCIIWhitespace()) }
        Self.removeHopByHop(&headers)
        var framing: MessageFraming
        if bodyless {
            framing = .none
        } else if let upstreamLength, !head.headers.contains(name: "transfer-encoding") {
            framing = .length(upstreamLength)
        } else {
            headers.remove(name: "content-length")
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
