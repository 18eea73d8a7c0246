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

    /// As the access log read them before: the last of a repeated field, the last request ID fit
    /// to be kept.
    @Test func repeatsKeepTheLastAndARequestIDMustBeAcceptable() {
        let summary = RequestFieldSummary(
            HTTPHeaders([
                ("User-Agent", "a"), ("User-Agent", "b"), ("X-Request-Id", "good-1"),
                ("X-Request-Id", "bad id with spaces"),
            ])
        )
        #expect(summary.logged.text(summary.logged.userAgent) == "b")
        #expect(summary.acceptableRequestID == "good-1")
        #expect(RequestFieldSummary(HTTPHeaders()).logged.host.isEmpty)
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
        #expect(summary.logged.withBytes(of: summary.logged.userAgent) { Array($0) } == [0x41, 0xE9, 0x42])
        #expect(summary.logged.referer.isEmpty)
        #expect(summary.logged.withBytes(of: summary.logged.referer) { $0.count } == 0)
    }
}

extension AccessLogFieldValues {
    /// The value at `range` as text (nil when absent), for the tests' comparisons.
    func text(_ range: Range<Int>) -> String? {
        range.isEmpty ? nil : self.withBytes(of: range) { String(decoding: $0, as: UTF8.self) }
    }
}
