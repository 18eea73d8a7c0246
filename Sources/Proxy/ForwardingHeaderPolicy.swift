import HTTPHead
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

    /// The client of a connection whose load balancer sent a PROXY protocol header (`announced`,
    /// nil without one): the client the header named, or — when it named none (v1 `UNKNOWN`, v2
    /// `LOCAL`) — the balancer itself, never trusted for the forwarding fields that come with the
    /// request: a balancer that relays TCP writes none of them, so they are the client's own
    /// (nginx's realip leaves the balancer's address and believes nothing else).
    public func identify(peer: SocketAddress?, announced: ProxyProtocolAddresses?) -> ClientIdentity {
        guard let announced else { return self.identify(peer) }
        guard let source = announced.source else {
            return ClientIdentity(ip: peer?.ipAddress ?? "unknown", trusted: false)
        }
        return self.identify(source)
    }

    func viaValue(_ version: HTTPVersion) -> String {
        version == .http1_1 ? self.via11 : "\(Self.viaVersion(version)) \(self.viaPseudonym)"
    }

    public func isTrusted(_ address: SocketAddress?) -> Bool {
        guard let address, !self.trustedProxies.isEmpty else { return false }
        return self.trustedProxies.contains { $0.contains(address) }
    }

    /// Whether the request asks for a WebSocket upgrade the gateway may tunnel.
    public static func isWebSocketUpgrade(_ head: RequestHead) -> Bool {
        Self.isWebSocketUpgrade(head, connection: nil)
    }

    /// `connection`: the head's `Connection` options when already read (else they are read here).
    static func isWebSocketUpgrade(_ head: RequestHead, connection: ConnectionOptions?) -> Bool {
        guard head.method == .GET, head.version == .http1_1 else { return false }
        guard (connection ?? ConnectionOptions(head.fields)).upgrade else { return false }
        let upgrades = head.fields.values(of: "upgrade").flatMap {
            $0.split(separator: ",").map { $0.trimmingASCIIWhitespace().lowercased() }
        }
        return upgrades == ["websocket"]
    }

    /// Whether `name` is one of the fixed hop-by-hop fields of RFC 9110 §7.6.1: `Connection`,
    /// `Proxy-Connection`, `Keep-Alive`, `TE`, `Transfer-Encoding` and `Upgrade`. (`Trailer` is
    /// not: it announces the trailer fields to the recipient of the content, end to end.) Runs on
    /// every field of every message: the length picks the one or two names worth comparing.
    static func isFixedHopByHop<Bytes: Collection<UInt8>>(_ name: Bytes) -> Bool {
        switch name.count {
        case 2: return ASCII.equalsCaseInsensitive(name, "te")
        case 7: return ASCII.equalsCaseInsensitive(name, "upgrade")
        case 10:
            return ASCII.equalsCaseInsensitive(name, "connection") || ASCII.equalsCaseInsensitive(name, "keep-alive")
        case 16: return ASCII.equalsCaseInsensitive(name, "proxy-connection")
        case 17: return ASCII.equalsCaseInsensitive(name, "transfer-encoding")
        default: return false
        }
    }

    /// Whether a `Connection` token names a field the message carries: not "close", nor one of
    /// the fixed hop-by-hop fields (removed anyway).
    static func namesAField<Token: Collection<UInt8>>(connectionToken token: Token) -> Bool {
        !(ASCII.equalsCaseInsensitive(token, "close") || Self.isFixedHopByHop(token))
    }

    /// The field names `Connection` lists beyond the fixed hop-by-hop ones ("close" names no
    /// field).
    static func connectionNamedFields(_ fields: RequestFields) -> [[UInt8]] {
        var named: [[UInt8]] = []
        fields.forEach { _, name, value in
            guard name.count == 10, ASCII.equalsCaseInsensitive(name, "connection") else { return }
            FieldValueList.forEachElement(of: value, emptyElements: .skipped) { element in
                if Self.namesAField(connectionToken: element) { named.append(element.map(ASCII.lowercased)) }
            }
        }
        return named
    }

    /// The framing of a request as received (the validator guarantees it is unambiguous).
    public static func requestFraming(_ head: RequestHead) -> MessageFraming {
        if head.fields.firstIndex(of: "transfer-encoding") != nil { return .chunked }
        if let length = head.fields.firstIndex(of: "content-length").flatMap({
            ContentLengthValue.parse(head.fields.value(at: $0))
        }) {
            return length == 0 ? .length(0) : .length(length)
        }
        return .none
    }

    /// Writes the head to send upstream for a forwarded request into `out`: the request line in
    /// origin form and HTTP/1.1, the client's fields in order without the hop-by-hop ones, the
    /// fields `Connection` names, the client's framing and (unless a trusted proxy sent them) its
    /// forwarding fields; then the gateway's `Via`, `X-Forwarded-*` and framing.
    ///
    /// - Parameters:
    ///   - head: the decided head (the Gate may have rewritten it).
    ///   - framing: the body framing of the request as received.
    ///   - client: the TCP peer, as identified once per connection.
    ///   - webSocket: keep `Upgrade: websocket` / `Connection: upgrade` for a tunnel.
    ///   - requestID: the exchange's `X-Request-Id`, replacing any the client sent (a trusted
    ///     proxy's is what the caller passes in).
    public func writeUpstreamRequestHead(
        _ head: RequestHead,
        framing: MessageFraming,
        client: ClientIdentity,
        isTLS: Bool,
        webSocket: Bool,
        requestID: String? = nil,
        into out: inout ByteBuffer
    ) {
        var uri = head.uri
        var absoluteAuthority: String?
        // Absolute-form target → origin-form with the target's authority as Host (RFC 9112 §3.2.2).
        if let (authority, path) = Self.splitAbsoluteForm(uri) {
            uri = path
            absoluteAuthority = authority
        }
        let trusted = client.trusted
        out.writeString(head.method.rawValue)
        out.writeInteger(ASCII.space)
        if let received = head.receivedTarget, let bytes = NonUTF8Target.receivedBytes(of: uri, in: received) {
            out.writeBytes(bytes)
        } else {
            out.writeString(uri)
        }
        out.writeStaticString(" HTTP/1.1\r\n")

        // One pass over the fields: a `Connection` field that names others (rare) is met only
        // after some of them may have been written, so then the fields are written again, without
        // the named ones. Reading the `Connection` fields first, on every request, was a second walk.
        let fieldsStart = out.writerIndex
        var collected = ClientFieldsCollected()
        if !self.writeClientFields(
            head.fields,
            named: [],
            trusted: trusted,
            absoluteForm: absoluteAuthority != nil,
            replaceRequestID: requestID != nil,
            collected: &collected,
            into: &out
        ) {
            out.moveWriterIndex(to: fieldsStart)
            collected = ClientFieldsCollected()
            _ = self.writeClientFields(
                head.fields,
                named: Self.connectionNamedFields(head.fields),
                trusted: trusted,
                absoluteForm: absoluteAuthority != nil,
                replaceRequestID: requestID != nil,
                collected: &collected,
                into: &out
            )
        }
        if let absoluteAuthority {
            // Part of the target, which is UTF-8 text, not a field value in wire form.
            out.writeFieldLine(name: "Host", text: absoluteAuthority)
        }
        if webSocket {
            out.writeStaticString("Connection: Upgrade\r\n")
            if let upgrade = head.fields.firstIndex(of: "upgrade") {
                Self.writeFieldLine(name: "Upgrade", valueOf: upgrade, in: head.fields, into: &out)
            } else {
                out.writeStaticString("Upgrade: websocket\r\n")
            }
        }
        // The gateway's own text (configuration), not a value read off the wire.
        out.writeFieldLine(name: "Via", text: self.viaValue(head.version))
        out.writeStaticString("X-Forwarded-For: ")
        // A trusted proxy's values joined with ", ", empty ones before the first other left out.
        var forwardedForWritten = false
        for index in collected.forwardedFor where forwardedForWritten || !head.fields.value(at: index).isEmpty {
            if forwardedForWritten { out.writeStaticString(", ") }
            Self.writeValue(of: index, in: head.fields, into: &out)
            forwardedForWritten = true
        }
        if forwardedForWritten { out.writeStaticString(", ") }
        out.writeString(client.ip)
        out.writeStaticString("\r\n")
        if let proto = collected.forwardedProto {
            Self.writeFieldLine(name: "X-Forwarded-Proto", valueOf: proto, in: head.fields, into: &out)
        } else {
            out.writeStaticString(isTLS ? "X-Forwarded-Proto: https\r\n" : "X-Forwarded-Proto: http\r\n")
        }
        if let requestID {
            out.writeFieldLine(name: "X-Request-Id", text: requestID)
        }
        if let forwardedHost = collected.forwardedHost ?? collected.host {
            Self.writeFieldLine(name: "X-Forwarded-Host", valueOf: forwardedHost, in: head.fields, into: &out)
        } else if let absoluteAuthority {
            out.writeFieldLine(name: "X-Forwarded-Host", text: absoluteAuthority)
        }
        switch framing {
        case .none, .untilClose:
            break
        case .length(let length):
            out.writeFieldLine(name: "Content-Length", text: String(length))
        case .chunked:
            out.writeStaticString("Transfer-Encoding: chunked\r\n")
        }
        out.writeStaticString("\r\n")
    }

    /// Writes the client's fields that go upstream: not the hop-by-hop ones nor those in `named`
    /// (lower-cased); not its framing, nor (with `replaceRequestID`) its request ID, nor (unless
    /// `trusted`) its forwarding fields; `Host` only for an origin-form target. Trusted forwarding
    /// fields and `Host` are `collected` for the gateway's own. The lines kept are copied as they
    /// are, each run of consecutive ones at once. Returns false, at once, when `named` is empty
    /// and a `Connection` field names another field: the caller starts again with them named.
    private func writeClientFields(
        _ fields: RequestFields,
        named: [[UInt8]],
        trusted: Bool,
        absoluteForm: Bool,
        replaceRequestID: Bool,
        collected: inout ClientFieldsCollected,
        into out: inout ByteBuffer
    ) -> Bool {
        fields.lines.withUnsafeBytes { bytes in
            // Runs of kept lines are contiguous in the client's bytes: copied in one go.
            var run: Range<Int>?
            for index in 0..<fields.count {
                let name = UnsafeRawBufferPointer(rebasing: bytes[fields.nameRange(at: index)])
                let role = RequestFieldRole(name: name)
                switch role {
                case .hopByHop, .contentLength:
                    continue
                case .connection:
                    let value = UnsafeRawBufferPointer(rebasing: bytes[fields.valueRange(at: index)])
                    if named.isEmpty && Self.namesOtherFields(connection: value) { return false }
                    continue
                case .host:
                    // `Connection: host` does not take the host away: it names the tenant, the
                    // upstream's virtual host and the gateway's own `X-Forwarded-Host`.
                    break
                default:
                    if !named.isEmpty && named.contains(where: { $0.elementsEqual(name.lazy.map(ASCII.lowercased)) }) {
                        continue
                    }
                }
                switch role {
                case .requestID:
                    if replaceRequestID { continue }
                case .host:
                    if absoluteForm { continue }
                    if collected.host == nil { collected.host = index }
                case .forwardedFor:
                    if trusted { collected.forwardedFor.append(index) }
                    continue
                case .forwardedProto:
                    if trusted && collected.forwardedProto == nil { collected.forwardedProto = index }
                    continue
                case .forwardedHost:
                    if trusted && collected.forwardedHost == nil { collected.forwardedHost = index }
                    continue
                case .otherForwarding:
                    guard trusted else { continue }
                case .hopByHop, .contentLength, .connection, .other:
                    break
                }
                let line = fields.lineRange(at: index)
                if let current = run, current.upperBound == line.lowerBound {
                    run = current.lowerBound..<line.upperBound
                } else {
                    if let current = run { out.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[current])) }
                    run = line
                }
            }
            if let current = run { out.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[current])) }
            return true
        }
    }

    /// Writes the value of field `index` of `fields`, its bytes as received.
    private static func writeValue(of index: Int, in fields: RequestFields, into out: inout ByteBuffer) {
        let value = fields.value(at: index)
        value.withUnsafeBytes { _ = out.writeBytes($0) }
    }

    /// Writes `name: value` and CRLF with the value of field `index` of `fields`.
    private static func writeFieldLine(
        name: StaticString,
        valueOf index: Int,
        in fields: RequestFields,
        into out: inout ByteBuffer
    ) {
        fields.value(at: index).withUnsafeBytes { value in
            out.writeFieldLine(
                name: UnsafeRawBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount),
                value: value
            )
        }
    }

    /// Whether a `Connection` value lists a field name beyond the fixed hop-by-hop ones.
    static func namesOtherFields(connection value: UnsafeRawBufferPointer) -> Bool {
        var names = false
        FieldValueList.forEachElement(of: value, emptyElements: .skipped) { element in
            if Self.namesAField(connectionToken: element) { names = true }
        }
        return names
    }

    /// Writes the head to send the client for an upstream response into `out` and returns the
    /// framing the gateway uses for its body. The upstream's field lines are copied as received,
    /// minus the hop-by-hop ones; the gateway adds `Via`, its framing and `Connection`.
    ///
    /// - Parameters:
    ///   - requestMethod: the client's method (HEAD responses carry no body).
    ///   - clientVersion: the client's HTTP version (chunked only to HTTP/1.1 clients).
    ///   - closeClient: the gateway will close the client connection after this response.
    ///   - tunnel: a `101` the gateway accepted: `Connection` and `Upgrade` stay.
    ///   - requestID: the exchange's `X-Request-Id`, in place of any the upstream sent (not on a
    ///     1xx interim response).
    func writeClientResponseHead(
        _ head: UpstreamResponseHead,
        requestMethod: HTTPMethod,
        clientVersion: HTTPVersion,
        closeClient: Bool,
        tunnel: Bool,
        requestID: String? = nil,
        strictTransportSecurity: String? = nil,
        into out: inout ByteBuffer
    ) -> MessageFraming {
        let selection = ClientResponseFieldSelection(
            head,
            requestMethod: requestMethod,
            clientVersion: clientVersion,
            tunnel: tunnel,
            requestID: requestID,
            strictTransportSecurity: strictTransportSecurity
        )
        let framing = selection.framing
        let informational = head.isInformational
        let version = tunnel || informational ? HTTPVersion.http1_1 : clientVersion
        out.writeStaticString(version == .http1_0 ? "HTTP/1.0 " : "HTTP/1.1 ")
        head.bytes.withUnsafeReadableBytes { bytes in
            out.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[9..<12]))
            out.writeInteger(ASCII.space)
            out.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[head.reason]))
            out.writeStaticString("\r\n")
            // Runs of kept lines are contiguous in the upstream's bytes: copied in one go.
            var run: Range<Int>?
            for field in head.fields where selection.keeps(bytes[field.name]) {
                if let current = run, current.upperBound == field.line.lowerBound {
                    run = current.lowerBound..<field.line.upperBound
                } else {
                    if let current = run { out.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[current])) }
                    run = field.line
                }
            }
            if let current = run { out.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[current])) }
        }
        if framing == .chunked {
            out.writeStaticString("Transfer-Encoding: chunked\r\n")
        }
        out.writeFieldLine(name: "Via", text: self.viaValue(head.version))
        if let replacedID = selection.requestID {
            out.writeFieldLine(name: "X-Request-Id", text: replacedID)
        }
        if let replacedSTS = selection.strictTransportSecurity {
            out.writeFieldLine(name: "Strict-Transport-Security", text: replacedSTS)
        }
        if !informational && !tunnel {
            if closeClient || framing == .untilClose {
                out.writeStaticString("Connection: close\r\n")
            } else if clientVersion == .http1_0 {
                out.writeStaticString("Connection: keep-alive\r\n")
            }
        }
        out.writeStaticString("\r\n")
        return framing
    }

    /// The client's address for the access log: the TCP peer, or, when the peer is a trusted
    /// proxy, the last `X-Forwarded-For` address that is not itself a trusted proxy (the first one
    /// when all are), as nginx's `real_ip_recursive on` reads it.
    public func clientAddress(_ head: RequestHead, client: ClientIdentity) -> String {
        guard client.trusted else { return client.ip }
        var addresses: [Substring] = []
        for value in head.fields.values(of: "x-forwarded-for") {
            addresses.append(contentsOf: value.split(separator: ",").map { $0.trimmingASCIIWhitespace() })
        }
        guard let first = addresses.first(where: { !$0.isEmpty }) else { return client.ip }
        for address in addresses.reversed() where !address.isEmpty {
            guard let parsed = try? SocketAddress(ipAddress: String(address), port: 0), self.isTrusted(parsed) else {
                return String(address)
            }
        }
        return String(first)
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
