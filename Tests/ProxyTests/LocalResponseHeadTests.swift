import NIOCore
import NIOHTTP1
import Testing

@testable import Proxy

/// The head of an answer the gateway writes itself, without any I/O.
@Suite struct LocalResponseHeadTests {
    let page = GatewayResponse(
        status: .forbidden,
        headers: HTTPHeaders([
            ("Content-Type", "text/html"), ("Content-Length", "999"), ("Transfer-Encoding", "chunked"),
            ("Connection", "upgrade"), ("X-Request-Id", "spoofed"),
        ]),
        body: ByteBuffer(string: "<p>frozen</p>")
    )

    func head(
        _ response: GatewayResponse,
        _ method: HTTPMethod = .GET,
        version: HTTPVersion = .http1_1,
        close: Bool = false,
        hsts: String? = nil
    ) -> HTTPResponseHead {
        LocalResponseHead.make(
            response,
            requestMethod: method,
            version: version,
            close: close,
            requestID: "abc123",
            strictTransportSecurity: hsts
        )
    }

    @Test func theLengthIsTheBodysAndTheGatewayOwnsFramingAndConnection() {
        let head = self.head(self.page)
        #expect(head.status == .forbidden)
        #expect(head.headers["Content-Length"] == ["13"])
        #expect(head.headers["Transfer-Encoding"].isEmpty)
        #expect(head.headers["Connection"].isEmpty)
        #expect(head.headers["X-Request-Id"] == ["abc123"])
        #expect(head.headers["Content-Type"] == ["text/html"])
        #expect(head.headers["Strict-Transport-Security"].isEmpty)
        #expect(LocalResponseHead.sendsBody(self.page, requestMethod: .GET))
    }

    @Test func anEmptyAnswerToHEADKeepsTheLengthItDeclares() {
        var empty = self.page
        empty.body = ByteBuffer()
        #expect(self.head(empty, .HEAD).headers["Content-Length"] == ["999"])
        #expect(self.head(empty, .GET).headers["Content-Length"] == ["0"])
        // A body given for HEAD is measured but never sent.
        #expect(self.head(self.page, .HEAD).headers["Content-Length"] == ["13"])
        #expect(!LocalResponseHead.sendsBody(self.page, requestMethod: .HEAD))
        var undeclared = empty
        undeclared.headers.remove(name: "Content-Length")
        #expect(self.head(undeclared, .HEAD).headers["Content-Length"] == ["0"])
    }

    @Test func connectionSaysCloseOrKeepsAnHTTP10ClientAlive() {
        #expect(self.head(self.page, close: true).headers["Connection"] == ["close"])
        #expect(self.head(self.page, version: .http1_0).headers["Connection"] == ["keep-alive"])
        #expect(self.head(self.page, version: .http1_0).version == .http1_0)
        #expect(self.head(self.page, version: .http1_0, close: true).headers["Connection"] == ["close"])
    }

    @Test func strictTransportSecurityWhenConfigured() {
        let head = self.head(self.page, hsts: "max-age=31536000")
        #expect(head.headers["Strict-Transport-Security"] == ["max-age=31536000"])
    }
}
