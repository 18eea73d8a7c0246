import HTTPHead
import NIOCore
import NIOHTTP1
import Testing

@testable import Proxy

@Suite("ForwardingHeaderPolicy")
struct ForwardingHeaderPolicyTests {
    let client = try! SocketAddress(ipAddress: "192.0.2.10", port: 5555)

    func head(_ headers: [(String, String)], uri: String = "/", method: HTTPMethod = .GET) -> RequestHead {
        RequestHead(HTTPRequestHead(version: .http1_1, method: method, uri: uri, headers: HTTPHeaders(headers)))
    }

    @Test func connectionNamedFieldsAreRemovedBeforeAddingOurs() {
        let policy = ForwardingHeaderPolicy()
        let out = policy.upstreamRequestHead(
            self.head([
                ("Host", "a"), ("Connection", "X-Via-Hop, close"), ("X-Via-Hop", "1"), ("Upgrade", "h2c"), ("X", "1"),
            ]),
            framing: .none,
            client: self.client,
            isTLS: false,
            webSocket: false
        )
        #expect(
            out.headers.map(\.name) == ["Host", "X", "Via", "X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host"]
        )
        #expect(out.headers["x-forwarded-for"] == ["192.0.2.10"])
    }

    /// The writer copies fields in one pass and meets a `Connection` field only where it stands:
    /// the fields it names go even when they came before it, or were named by a second one.
    @Test func fieldsNamedByALaterConnectionFieldAreRemovedToo() {
        let policy = ForwardingHeaderPolicy()
        let out = policy.upstreamRequestHead(
            self.head([
                ("X-Hop", "1"), ("Host", "a"), ("Accept", "*/*"), ("Connection", "keep-alive"), ("X-Other-Hop", "2"),
                ("Connection", "X-Other-Hop, x-hop"), ("Y", "3"),
            ]),
            framing: .none,
            client: self.client,
            isTLS: false,
            webSocket: false
        )
        #expect(
            out.headers.map(\.name) == [
                "Host", "Accept", "Y", "Via", "X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host",
            ]
        )
        #expect(out.headers["x-forwarded-for"] == ["192.0.2.10"])
    }

    /// A field `Connection` names is gone before anything reads it — but `Host`: it names the
    /// tenant and the upstream's virtual host, and a request without it is no HTTP/1.1 request;
    /// `Connection` listing only hop-by-hop names changes nothing.
    @Test func aNamedFieldIsNeitherSentNorReadButHost() {
        let policy = ForwardingHeaderPolicy()
        var namedHost = ByteBuffer()
        policy.writeUpstreamRequestHead(
            self.head([("Host", "a"), ("X", "1"), ("Y", "2"), ("Connection", "host, y")]),
            framing: .none,
            client: policy.identify(self.client),
            isTLS: false,
            webSocket: false,
            into: &namedHost
        )
        #expect(
            String(buffer: namedHost)
                == "GET / HTTP/1.1\r\nHost: a\r\nX: 1\r\nVia: 1.1 freezegate\r\nX-Forwarded-For: 192.0.2.10\r\n"
                + "X-Forwarded-Proto: http\r\nX-Forwarded-Host: a\r\n\r\n"
        )
        let hopByHopOnly = policy.upstreamRequestHead(
            self.head([("Host", "a"), ("Keep-Alive", "timeout=5"), ("Connection", "Keep-Alive, close, TE"), ("X", "1")]
            ),
            framing: .none,
            client: self.client,
            isTLS: false,
            webSocket: false
        )
        #expect(
            hopByHopOnly.headers.map(\.name) == [
                "Host", "X", "Via", "X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host",
            ]
        )
    }

    /// Behind a PROXY protocol balancer the client is the one its header named; a header that
    /// named none leaves the balancer, trusted or not, untrusted for the request's own fields.
    @Test func aProxyHeaderDecidesWhoTheClientIs() throws {
        let balancer = try SocketAddress(ipAddress: "10.0.0.5", port: 40000)
        let named = try SocketAddress(ipAddress: "203.0.113.7", port: 51234)
        let policy = ForwardingHeaderPolicy(trustedProxies: [try #require(CIDRBlock("10.0.0.0/8"))])
        let noHeader = policy.identify(peer: balancer, announced: nil)
        #expect(noHeader.ip == "10.0.0.5" && noHeader.trusted)
        let relayed = policy.identify(
            peer: balancer,
            announced: ProxyProtocolAddresses(source: named, destination: nil)
        )
        #expect(relayed.ip == "203.0.113.7" && !relayed.trusted)
        let unnamed = policy.identify(peer: balancer, announced: ProxyProtocolAddresses(source: nil, destination: nil))
        #expect(unnamed.ip == "10.0.0.5")
        #expect(!unnamed.trusted)
    }

    @Test func framingIsSetByTheGateway() {
        let policy = ForwardingHeaderPolicy()
        let chunked = policy.upstreamRequestHead(
            self.head([("Host", "a"), ("Transfer-Encoding", "chunked")], method: .POST),
            framing: .chunked,
            client: nil,
            isTLS: true,
            webSocket: false
        )
        #expect(chunked.headers["transfer-encoding"] == ["chunked"])
        #expect(chunked.headers["x-forwarded-proto"] == ["https"])
        let sized = policy.upstreamRequestHead(
            self.head([("Host", "a"), ("Content-Length", "7")], method: .POST),
            framing: .length(7),
            client: nil,
            isTLS: false,
            webSocket: false
        )
        #expect(sized.headers["content-length"] == ["7"])
    }

    @Test func untrustedClientForwardingFieldsAreReplaced() {
        let policy = ForwardingHeaderPolicy(trustedProxies: [CIDRBlock("10.0.0.0/8")!])
        let out = policy.upstreamRequestHead(
            self.head([
                ("Host", "a"), ("X-Forwarded-For", "6.6.6.6"), ("Forwarded", "for=6.6.6.6"),
                ("X-Forwarded-Prefix", "/x"),
            ]),
            framing: .none,
            client: self.client,
            isTLS: false,
            webSocket: false
        )
        #expect(out.headers["x-forwarded-for"] == ["192.0.2.10"])
        #expect(!out.headers.contains(name: "forwarded"))
        #expect(!out.headers.contains(name: "x-forwarded-prefix"))
    }

    /// The client's lines leave as they came, byte for byte and in order, each run between two
    /// fields left out copied whole; a trusted proxy's forwarding fields are extended (its empty
    /// `X-Forwarded-For` values before the first other one add nothing, later ones keep their place).
    @Test func theClientsLinesAreCopiedAsReceived() throws {
        let trustedPeer = try SocketAddress(ipAddress: "10.1.2.3", port: 1)
        let policy = ForwardingHeaderPolicy(trustedProxies: [try #require(CIDRBlock("10.0.0.0/8"))])
        var fields = RequestFields()
        let lines: [(String, [UInt8])] = [
            ("Host", Array("acme.s20.online".utf8)), ("X-Forwarded-For", []), ("Cookie", [0x61, 0x3D, 0xE9, 0xFF]),
            ("Accept", Array("*/*".utf8)), ("Keep-Alive", Array("300".utf8)),
            ("X-Forwarded-For", Array("1.1.1.1".utf8)),
            ("X-Forwarded-For", []), ("X-Forwarded-Proto", Array("https".utf8)), ("User-Agent", Array("curl".utf8)),
            ("X-Request-Id", Array("client".utf8)),
        ]
        for (name, value) in lines { fields.append(name: Array(name.utf8), value: value) }
        var out = ByteBuffer()
        policy.writeUpstreamRequestHead(
            RequestHead(method: .GET, uri: "/customer/1", version: .http1_1, fields: fields),
            framing: .none,
            client: policy.identify(trustedPeer),
            isTLS: false,
            webSocket: false,
            requestID: "r1",
            into: &out
        )
        let expected: [UInt8] =
            Array("GET /customer/1 HTTP/1.1\r\nHost: acme.s20.online\r\nCookie: a=".utf8) + [0xE9, 0xFF]
            + Array(
                ("\r\nAccept: */*\r\nUser-Agent: curl\r\nVia: 1.1 freezegate\r\n"
                    + "X-Forwarded-For: 1.1.1.1, , 10.1.2.3\r\nX-Forwarded-Proto: https\r\nX-Request-Id: r1\r\n"
                    + "X-Forwarded-Host: acme.s20.online\r\n\r\n").utf8
            )
        #expect(Array(out.readableBytesView) == expected, "\(String(decoding: out.readableBytesView, as: UTF8.self))")
    }

    @Test func webSocketKeepsUpgrade() {
        let head = self.head([("Host", "a"), ("Connection", "Upgrade"), ("Upgrade", "websocket")])
        #expect(ForwardingHeaderPolicy.isWebSocketUpgrade(head))
        let out = ForwardingHeaderPolicy().upstreamRequestHead(
            head,
            framing: .none,
            client: nil,
            isTLS: false,
            webSocket: true
        )
        #expect(out.headers["upgrade"] == ["websocket"])
        #expect(out.headers["connection"] == ["Upgrade"])
        #expect(
            !ForwardingHeaderPolicy.isWebSocketUpgrade(
                self.head([("Host", "a"), ("Connection", "Upgrade"), ("Upgrade", "h2c")])
            )
        )
    }

    /// Writes the client head for an upstream head given as text (without its empty line).
    static func clientHead(
        _ upstream: String,
        method: HTTPMethod = .GET,
        clientVersion: HTTPVersion = .http1_1,
        closeClient: Bool = false,
        tunnel: Bool = false
    ) throws -> (String, MessageFraming) {
        let head = try UpstreamResponseParser.parseHead(ByteBuffer(string: upstream))
        var out = ByteBuffer()
        let framing = ForwardingHeaderPolicy().writeClientResponseHead(
            head,
            requestMethod: method,
            clientVersion: clientVersion,
            closeClient: closeClient,
            tunnel: tunnel,
            into: &out
        )
        return (String(buffer: out), framing)
    }

    @Test func responseFraming() throws {
        let sized = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nKeep-Alive: x\r\n"
        let (out, framing) = try Self.clientHead(sized)
        #expect(framing == .length(5))
        #expect(out == "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nVia: 1.1 freezegate\r\n\r\n")
        let unsized = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-A: 1\r\n"
        let (chunked, chunkedFraming) = try Self.clientHead(unsized)
        #expect(chunkedFraming == .chunked)
        #expect(chunked == "HTTP/1.1 200 OK\r\nX-A: 1\r\nTransfer-Encoding: chunked\r\nVia: 1.1 freezegate\r\n\r\n")
        let (old, oldFraming) = try Self.clientHead(unsized, clientVersion: .http1_0)
        #expect(oldFraming == .untilClose)
        #expect(old == "HTTP/1.0 200 OK\r\nX-A: 1\r\nVia: 1.1 freezegate\r\nConnection: close\r\n\r\n")
        let (head, headFraming) = try Self.clientHead(sized, method: .HEAD, clientVersion: .http1_0)
        #expect(headFraming == .none)
        #expect(head == "HTTP/1.0 200 OK\r\nContent-Length: 5\r\nVia: 1.1 freezegate\r\nConnection: keep-alive\r\n\r\n")
    }

    @Test func responseFieldsNamedByConnectionAreDropped() throws {
        let upstream =
            "HTTP/1.0 404 Not Found\r\nX-A: 1\r\nconnection: X-Secret , keep-alive\r\nX-SECRET: s\r\n"
            + "Proxy-Connection: y\r\nTE: z\r\nContent-Length: 3\r\nSet-Cookie: a\r\nSet-Cookie: b\r\n"
        let (out, framing) = try Self.clientHead(upstream, closeClient: true)
        #expect(framing == .length(3))
        #expect(
            out
                == "HTTP/1.1 404 Not Found\r\nX-A: 1\r\nContent-Length: 3\r\nSet-Cookie: a\r\nSet-Cookie: b\r\n"
                + "Via: 1.0 freezegate\r\nConnection: close\r\n\r\n"
        )
    }

    /// `Connection: content-length` from an upstream cannot take away the length that frames the
    /// body the client gets (it would wait for the close of a connection kept open).
    @Test func aResponsesFramingLengthIsNotTakenByConnection() throws {
        let upstream = "HTTP/1.1 200 OK\r\nConnection: content-length, x-a\r\nX-A: 1\r\nContent-Length: 3\r\n"
        let (out, framing) = try Self.clientHead(upstream)
        #expect(framing == .length(3))
        #expect(out == "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nVia: 1.1 freezegate\r\n\r\n")
    }

    @Test func informationalAndTunnelHeads() throws {
        let (continued, _) = try Self.clientHead("HTTP/1.1 100 Continue\r\n", clientVersion: .http1_1)
        #expect(continued == "HTTP/1.1 100 Continue\r\nVia: 1.1 freezegate\r\n\r\n")
        let upgrade =
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nKeep-Alive: 5\r\n"
        let (tunnel, framing) = try Self.clientHead(upgrade, tunnel: true)
        #expect(framing == .none)
        #expect(
            tunnel
                == "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Via: 1.1 freezegate\r\n\r\n"
        )
        // No reason phrase: the space after the code is still written.
        #expect(try Self.clientHead("HTTP/1.1 204\r\n").0 == "HTTP/1.1 204 \r\nVia: 1.1 freezegate\r\n\r\n")
    }

    /// A 1xx or a 204 must not carry `Content-Length` (RFC 9110 §8.6): an upstream's is dropped,
    /// which a cache behind the client would otherwise take as a body's length. A HEAD's and a
    /// 304's stay: they describe the body a GET would have had.
    @Test func noContentLengthOnA1xxOrA204() throws {
        #expect(
            try Self.clientHead("HTTP/1.1 204 No Content\r\nContent-Length: 5\r\nX-A: 1\r\n").0
                == "HTTP/1.1 204 No Content\r\nX-A: 1\r\nVia: 1.1 freezegate\r\n\r\n"
        )
        #expect(
            try Self.clientHead("HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\nContent-Length: 5\r\n").0
                == "HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\nVia: 1.1 freezegate\r\n\r\n"
        )
        #expect(
            try Self.clientHead("HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n").0
                == "HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\nVia: 1.1 freezegate\r\n\r\n"
        )
        #expect(
            try Self.clientHead("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n", method: .HEAD).0
                == "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nVia: 1.1 freezegate\r\n\r\n"
        )
    }

    /// Every answer carries the request's ID, the `101` that opens a tunnel too (it is the
    /// request's answer); a `100` on the way to the answer does not.
    @Test func theTunnelsAnswerCarriesTheRequestIDAnInterimOneDoesNot() throws {
        func written(_ upstream: String, tunnel: Bool) throws -> String {
            var out = ByteBuffer()
            _ = ForwardingHeaderPolicy().writeClientResponseHead(
                try UpstreamResponseParser.parseHead(ByteBuffer(string: upstream)),
                requestMethod: .GET,
                clientVersion: .http1_1,
                closeClient: false,
                tunnel: tunnel,
                requestID: "0123456789abcdef0123456789abcdef",
                into: &out
            )
            return String(buffer: out)
        }
        let upgrade = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        #expect(try written(upgrade, tunnel: true).contains("\r\nX-Request-Id: 0123456789abcdef0123456789abcdef\r\n"))
        #expect(try !written("HTTP/1.1 100 Continue\r\n", tunnel: false).contains("X-Request-Id"))
    }

    /// `Trailer` is not hop-by-hop (RFC 9110 §7.6.1 lists Connection, Proxy-Connection,
    /// Keep-Alive, TE, Transfer-Encoding and Upgrade): it announces the trailer fields end to end,
    /// and goes through both ways.
    @Test func trailerIsPassedOnBothWays() throws {
        let policy = ForwardingHeaderPolicy()
        var request = ByteBuffer()
        policy.writeUpstreamRequestHead(
            self.head([("Host", "a"), ("Transfer-Encoding", "chunked"), ("Trailer", "X-Checksum")]),
            framing: .chunked,
            client: policy.identify(self.client),
            isTLS: false,
            webSocket: false,
            into: &request
        )
        #expect(String(buffer: request).contains("\r\nTrailer: X-Checksum\r\n"))
        let (response, _) = try Self.clientHead("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: X-T\r\n")
        #expect(response.contains("\r\nTrailer: X-T\r\n"))
    }

    @Test func absoluteForm() {
        #expect(ForwardingHeaderPolicy.splitAbsoluteForm("http://a.s20.online/x?y")! == ("a.s20.online", "/x?y"))
        #expect(ForwardingHeaderPolicy.splitAbsoluteForm("HTTPS://a:8443")! == ("a:8443", "/"))
        #expect(ForwardingHeaderPolicy.splitAbsoluteForm("/x") == nil)
    }
}

extension ForwardingHeaderPolicy {
    /// The head ``writeUpstreamRequestHead(_:framing:client:isTLS:webSocket:into:)`` writes, read
    /// back by the gateway's own strict request parser (so the bytes are also valid HTTP).
    func upstreamRequestHead(
        _ head: RequestHead,
        framing: MessageFraming,
        client: SocketAddress?,
        isTLS: Bool,
        webSocket: Bool
    ) -> HTTPRequestHead {
        var out = ByteBuffer()
        self.writeUpstreamRequestHead(
            head,
            framing: framing,
            client: self.identify(client),
            isTLS: isTLS,
            webSocket: webSocket,
            into: &out
        )
        var parser = RequestParser()
        var parsed: HTTPRequestHead?
        let outcome = out.withUnsafeReadableBytes { bytes in
            parser.consume(bytes) { part in
                if case .head(let head, _) = part { parsed = head.httpRequestHead }
            }
        }
        #expect(outcome.rejection == nil, "\(String(buffer: out))")
        return parsed ?? HTTPRequestHead(version: .http1_1, method: .GET, uri: "/invalid")
    }
}
