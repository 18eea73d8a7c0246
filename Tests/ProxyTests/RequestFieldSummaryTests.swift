import HTTPHead
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
        #expect(summary.logged.text(summary.logged.host) == "acme.s20.online")
        #expect(summary.logged.text(summary.logged.userAgent) == "curl/8")
        #expect(summary.logged.text(summary.logged.referer) == "http://acme.s20.online/")
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

    /// The first of a repeated `User-Agent` or `Referer`, as nginx's `$http_user_agent` and
    /// `$http_referer` (1.22); the last request ID fit to be kept.
    @Test func repeatsKeepTheFirstAndARequestIDMustBeAcceptable() {
        let summary = RequestFieldSummary(
            HTTPHeaders([
                ("User-Agent", "a"), ("Referer", "r1"), ("User-Agent", "b"), ("X-Request-Id", "good-1"),
                ("X-Request-Id", "bad id with spaces"), ("referer", "r2"),
            ])
        )
        #expect(summary.logged.text(summary.logged.userAgent) == "a")
        #expect(summary.logged.text(summary.logged.referer) == "r1")
        #expect(summary.acceptableRequestID == "good-1")
        #expect(RequestFieldSummary(HTTPHeaders()).logged.host == nil)
        #expect(RequestFieldSummary(HTTPHeaders([("X-Request-Id", "bad id")])).acceptableRequestID == nil)
    }

    /// The log reads the values where they lie: the ranges point into the fields' own lines, and
    /// a value's bytes (obs-text included) are the bytes received.
    @Test func loggedValuesAreRangesInTheFieldLines() {
        var fields = RequestFields()
        fields.append(name: Array("Accept".utf8), value: Array("*/*".utf8))
        fields.append(name: Array("User-Agent".utf8), value: [0x41, 0xE9, 0x42])
        fields.append(name: Array("Host".utf8), value: Array("acme.s20.online".utf8))
        let summary = RequestFieldSummary(fields)
        #expect(summary.logged.lines == fields.lines)
        #expect(summary.logged.host == fields.valueRange(at: 2))
        #expect(summary.logged.userAgent.map { summary.logged.withBytes(of: $0) { Array($0) } } == [0x41, 0xE9, 0x42])
        #expect(summary.logged.referer == nil)
        let empty = RequestFieldSummary(HTTPHeaders([("Referer", "")])).logged.referer
        #expect(empty != nil && empty?.isEmpty == true)
    }
}

extension AccessLogFieldValues {
    /// The value at `range` as text (nil when absent), for the tests' comparisons.
    func text(_ range: Range<Int>?) -> String? {
        range.map { range in self.withBytes(of: range) { String(decoding: $0, as: UTF8.self) } }
    }
}
