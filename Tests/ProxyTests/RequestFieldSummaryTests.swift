import NIOHTTP1
import Testing

@testable import Proxy

@Suite struct RequestFieldSummaryTests {
    @Test func oneWalkFindsWhatTheExchangeAsks() {
        let headers = HTTPHeaders([
            ("HOST", "acme.s20.online"), ("user-agent", "curl/8"), ("Referer", "http://acme.s20.online/"),
            ("Connection", "keep-alive, X-Secret"), ("X-Request-Id", "abc-123"), ("Accept", "*/*"),
            ("User-Agentx", "no"), ("Referers", "no"),
        ])
        let summary = RequestFieldSummary(headers)
        #expect(summary.host == "acme.s20.online")
        #expect(summary.userAgent == "curl/8")
        #expect(summary.referer == "http://acme.s20.online/")
        #expect(summary.acceptableRequestID == "abc-123")
        #expect(summary.connection == ConnectionOptions(HTTPHeaders([("Connection", "keep-alive, X-Secret")])))
        #expect(summary.connection.isKeepAlive(version: .http1_1))
    }

    @Test func fieldLineBytesCountEachLineWithItsSeparatorAndCRLF() {
        #expect(
            RequestFieldSummary(HTTPHeaders([("Host", "a.b"), ("X", "")])).fieldLineBytes == (4 + 3 + 4) + (1 + 0 + 4)
        )
        #expect(RequestFieldSummary(HTTPHeaders()).fieldLineBytes == 0)
    }

    /// As the access log read them before: the last of a repeated field, the last request ID fit
    /// to be kept.
    @Test func repeatsKeepTheLastAndARequestIDMustBeAcceptable() {
        let summary = RequestFieldSummary(
            HTTPHeaders([
                ("User-Agent", "a"), ("User-Agent", "b"), ("X-Request-Id", "good-1"),
                ("X-Request-Id", "bad id with spaces"),
            ])
        )
        #expect(summary.userAgent == "b")
        #expect(summary.acceptableRequestID == "good-1")
        #expect(RequestFieldSummary(HTTPHeaders()).host == nil)
        #expect(RequestFieldSummary(HTTPHeaders([("X-Request-Id", "bad id")])).acceptableRequestID == nil)
    }
}
