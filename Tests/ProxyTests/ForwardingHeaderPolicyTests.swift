import NIOCore
import NIOHTTP1
import Testing

@testable import Proxy

@Suite("ForwardingHeaderPolicy")
struct ForwardingHeaderPolicyTests {
    let client = try! SocketAddress(ipAddress: "192.0.2.10", port: 5555)

    func head(_ headers: [(String, String)], uri: String = "/", method: HTTPMethod = .GET) -> HTTPRequestHead {
        HTTPRequestHead(version: .http1_1, method: method, uri: uri, headers: HTTPHeaders(headers))
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

    @Test func responseFraming() {
        let policy = ForwardingHeaderPolicy()
        let sized = HTTPResponseHead(
            version: .http1_1,
            status: .ok,
            headers: HTTPHeaders([("Content-Length", "5"), ("Keep-Alive", "x")])
        )
        let (out, framing) = policy.clientResponseHead(
            sized,
            requestMethod: .GET,
            clientVersion: .http1_1,
            closeClient: false,
            tunnel: false
        )
        #expect(framing == .length(5))
        #expect(!out.headers.contains(name: "keep-alive"))
        let unsized = HTTPResponseHead(
            version: .http1_1,
            status: .ok,
            headers: HTTPHeaders([("Transfer-Encoding", "chunked")])
        )
        #expect(
            policy.clientResponseHead(
                unsized,
                requestMethod: .GET,
                clientVersion: .http1_1,
                closeClient: false,
                tunnel: false
            ).1 == .chunked
        )
        let (old, oldFraming) = policy.clientResponseHead(
            unsized,
            requestMethod: .GET,
            clientVersion: .http1_0,
            closeClient: false,
            tunnel: false
        )
        #expect(oldFraming == .untilClose)
        #expect(old.headers["connection"] == ["close"])
        #expect(
            policy.clientResponseHead(
                sized,
                requestMethod: .HEAD,
                clientVersion: .http1_1,
                closeClient: false,
                tunnel: false
            ).1 == .none
        )
    }

    @Test func absoluteForm() {
        #expect(ForwardingHeaderPolicy.splitAbsoluteForm("http://a.s20.online/x?y")! == ("a.s20.online", "/x?y"))
        #expect(ForwardingHeaderPolicy.splitAbsoluteForm("HTTPS://a:8443")! == ("a:8443", "/"))
        #expect(ForwardingHeaderPolicy.splitAbsoluteForm("/x") == nil)
    }
}
