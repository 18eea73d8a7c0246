import Foundation
import HTTPHead
import NIOCore
import NIOHTTP1
import Testing

@testable import Proxy

@Suite struct AccessLogLineTests {
    static func clock(_ seconds: Int) -> AccessLogClock {
        var clock = AccessLogClock()
        clock.update(secondsSinceEpoch: seconds)
        return clock
    }

    static func line(_ record: AccessLogRecord, _ format: AccessLogFormat, upstream: TimeAmount? = nil) -> String {
        var out: [UInt8] = []
        AccessLogLine.append(
            record,
            format: format,
            clock: Self.clock(1_796_330_142),
            milliseconds: 7,
            totalTime: .microseconds(3_456),
            upstreamTime: upstream,
            into: &out
        )
        return String(decoding: out, as: UTF8.self)
    }

    /// A record's request fields as the exchange gathers them: from the field lines a parser built.
    static func fields(host: String? = nil, userAgent: [UInt8]? = nil, referer: [UInt8]? = nil) -> AccessLogFieldValues
    {
        var fields = RequestFields()
        fields.append(name: Array("Accept".utf8), value: Array("*/*".utf8))
        if let host { fields.append(name: Array("Host".utf8), value: Array(host.utf8)) }
        if let userAgent { fields.append(name: Array("User-Agent".utf8), value: userAgent) }
        if let referer { fields.append(name: Array("Referer".utf8), value: referer) }
        return RequestFieldSummary(fields).logged
    }

    @Test(arguments: [
        (0, 1970, 1, 1), (951_782_400, 2000, 2, 29), (1_796_330_142, 2026, 12, 3), (4_107_542_400, 2100, 3, 1),
        (-86_400, 1969, 12, 31),
    ])
    func civilDates(seconds: Int, year: Int, month: Int, day: Int) {
        let civil = AccessLogClock.civil(daysSinceEpoch: seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400)
        #expect(civil.year == year && civil.month == month && civil.day == day)
    }

    /// The escaping copies runs of plain bytes whole when the bytes are contiguous (a string's
    /// UTF-8, an array) and goes byte by byte otherwise: both must write the same, whatever the bytes.
    @Test func escapingIsTheSameForContiguousAndOtherBytes() {
        var generator = SystemRandomNumberGenerator()
        var samples: [[UInt8]] = [[], [0x22], [0x5C, 0x20], Array("plain".utf8), Array("Привет, \"мир\"".utf8)]
        for _ in 0..<300 {
            let count = Int.random(in: 0...24, using: &generator)
            samples.append((0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) })
        }
        for bytes in samples {
            for spaceToo in [false, true] {
                var contiguous: [UInt8] = Array("prefix ".utf8)
                var byteByByte = contiguous
                AccessLogLine.appendEscaped(bytes, into: &contiguous, spaceToo: spaceToo)
                AccessLogLine.appendEscaped(bytes.lazy.map { $0 }, into: &byteByByte, spaceToo: spaceToo)
                #expect(contiguous == byteByByte, "\(bytes)")
            }
        }
        var out: [UInt8] = []
        AccessLogLine.appendEscaped("a \"b\"\u{7F}é".utf8, into: &out, spaceToo: true)
        #expect(String(decoding: out, as: UTF8.self) == #"a\x20\x22b\x22\x7F\xC3\xA9"#)
        out = []
        AccessLogLine.appendEscaped("".utf8, into: &out)
        #expect(out == Array("-".utf8))
    }

    @Test func combinedIsNginxsLayoutWithOurFieldsAfter() {
        var record = AccessLogRecord()
        record.clientAddress = "203.0.113.7"
        record.method = "GET"
        record.target = "/customer/1/files/отчёт.pdf"
        record.status = 200
        record.bytesOut = 1024
        record.fields = Self.fields(host: "acme.s20.online", userAgent: Array("Mozilla \"x\" \\ é".utf8), referer: [])
        record.requestID = "0123456789abcdef0123456789abcdef"
        record.tags = DecisionTags(requestClass: "client", decision: "forward", tenant: "acme")
        record.outcome = "rejected: bad thing"
        #expect(
            Self.line(record, .combined, upstream: .microseconds(2_500))
                == #"203.0.113.7 - - [03/Dec/2026:20:35:42 +0000] "GET /customer/1/files/\xD0\xBE\xD1\x82\xD1\x87\xD1\x91\xD1\x82.pdf HTTP/1.1" 200 1024 "" "Mozilla \x22x\x22 \x5C \xC3\xA9" rid=0123456789abcdef0123456789abcdef host=acme.s20.online tenant=acme class=client decision=forward outcome=rejected:\x20bad\x20thing upstream_time=0.003 request_time=0.003"#
                + "\n"
        )
    }

    /// As nginx's `$http_referer` and `$http_user_agent`: an absent field is `-`, an empty one
    /// nothing between the quotes; in JSON `null` and `""`. The appended `host=` cannot be empty.
    @Test func anEmptyFieldIsToldFromAnAbsentOne() {
        var record = AccessLogRecord()
        record.method = "GET"
        record.target = "/"
        record.status = 200
        record.fields = Self.fields(host: "", userAgent: [])
        let emptyCombined = Self.line(record, .combined)
        #expect(emptyCombined.contains(#" 200 0 "-" "" rid="#), "\(emptyCombined)")
        #expect(emptyCombined.contains(" host=- "), "\(emptyCombined)")
        let emptyJSON = Self.line(record, .json)
        #expect(emptyJSON.contains(#""referer":null,"user_agent":"","#), "\(emptyJSON)")
        #expect(emptyJSON.contains(#""host":"","#), "\(emptyJSON)")
        record.fields = Self.fields(referer: [])
        let absentCombined = Self.line(record, .combined)
        #expect(absentCombined.contains(#" 200 0 "" "-" rid="#), "\(absentCombined)")
        #expect(absentCombined.contains(" host=- "), "\(absentCombined)")
        let absentJSON = Self.line(record, .json)
        #expect(absentJSON.contains(#""referer":"","user_agent":null,"#), "\(absentJSON)")
        #expect(absentJSON.contains(#""host":null,"#), "\(absentJSON)")
    }

    /// The appended fields are unquoted: a space in a Host (refused with 400, and logged) or a
    /// trusted proxy's request ID cannot start a forged `tenant=` field.
    @Test func aSpaceInAnAppendedFieldCannotForgeAnother() {
        var record = AccessLogRecord()
        record.method = "GET"
        record.target = "/"
        record.status = 400
        record.fields = Self.fields(host: "frz tenant=acme class=client")
        record.requestID = "id decision=forward"
        let line = Self.line(record, .combined)
        #expect(
            line.contains(#" rid=id\x20decision=forward host=frz\x20tenant=acme\x20class=client tenant=- "#),
            "\(line)"
        )
        #expect(line.components(separatedBy: " tenant=").count == 2, "\(line)")
    }

    /// No response written (the client closed first): 499, as nginx logs it, in both formats.
    @Test func anExchangeWithoutAResponseIsLogged499() {
        var record = AccessLogRecord()
        record.method = "GET"
        record.target = "/slow"
        record.outcome = "client_closed"
        #expect(Self.line(record, .combined).contains(#""GET /slow HTTP/1.1" 499 0 "#))
        #expect(Self.line(record, .json).contains(#","status":499,"#))
    }

    /// A refused request's line: read into its three parts when it has them, else shown whole
    /// (`"-"` when none came), as nginx's `$request`.
    @Test(arguments: [
        ("GET /x?q=1 HTTP/1.0", #""GET /x?q=1 HTTP/1.0" 400 "#),
        ("POST /\u{E9} HTTP/1.1", #""POST /\xC3\xA9 HTTP/1.1" 400 "#),
        ("GET  / HTTP/1.1", #""GET  / HTTP/1.1" 400 "#),
        ("GET /", #""GET /" 400 "#),
        ("", #""-" 400 "#),
    ])
    func aRefusedRequestLine(line: String, expected: String) {
        var record = AccessLogRecord()
        record.method = "-"
        record.target = "-"
        record.status = 400
        record.readRefusedRequestLine(Array(line.utf8))
        #expect(Self.line(record, .combined).contains(expected), "\(Self.line(record, .combined))")
    }

    @Test func jsonKeepsUTF8AndEscapesWhatIsNot() {
        var record = AccessLogRecord()
        record.method = "GET"
        record.target = "/a\"b"
        record.status = 403
        record.fields = Self.fields(userAgent: [0x41, 0xE9, 0x0A], referer: Array("https://школа.рф/".utf8))
        #expect(
            Self.line(record, .json)
                == #"{"time":"2026-12-03T20:35:42.007Z","client":"-","method":"GET","target":"/a\"b","protocol":"HTTP/1.1","status":403,"bytes_sent":0,"bytes_received":0,"referer":"https://школа.рф/","user_agent":"A\u00E9\n","request_id":"-","host":null,"tenant":null,"class":"none","decision":"gateway","outcome":"complete","upstream_time":null,"request_time":0.003}"#
                + "\n"
        )
    }

    /// JSON strings are copied in runs between the bytes JSON escapes: the same as escaping byte
    /// by byte (the reference below), whatever the bytes, UTF-8 or not.
    @Test func jsonStringsAreTheSameAsEscapingByteByByte() {
        func reference(_ bytes: [UInt8]) -> [UInt8] {
            let valid = String(validating: bytes, as: UTF8.self) != nil
            var out = Array("\"".utf8)
            for byte in bytes {
                switch byte {
                case UInt8(ascii: "\""): out += Array(#"\""#.utf8)
                case UInt8(ascii: "\\"): out += Array(#"\\"#.utf8)
                case UInt8(ascii: "\n"): out += Array(#"\n"#.utf8)
                case UInt8(ascii: "\r"): out += Array(#"\r"#.utf8)
                case UInt8(ascii: "\t"): out += Array(#"\t"#.utf8)
                case 0..<0x20, 0x7F,
                    0x80... where !valid:
                    out += Array(String(format: "\\u%04X", Int(byte)).utf8)
                default: out.append(byte)
                }
            }
            return out + Array("\"".utf8)
        }
        var generator = SystemRandomNumberGenerator()
        var samples: [[UInt8]] = [[], Array("plain".utf8), Array("школа \"q\" \\ \t\r\n".utf8), [0xE9], [0x7F, 0x00]]
        for _ in 0..<300 {
            let count = Int.random(in: 0...24, using: &generator)
            samples.append((0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) })
        }
        for bytes in samples {
            var out: [UInt8] = []
            bytes.withUnsafeBufferPointer { AccessLogLine.appendJSONString(bytes: $0, into: &out) }
            #expect(out == reference(bytes), "\(bytes)")
            if let text = String(validating: bytes, as: UTF8.self) {
                var fromText: [UInt8] = []
                AccessLogLine.appendJSONString(text, into: &fromText)
                #expect(fromText == out, "\(bytes)")
            }
        }
    }

    @Test func decimalsAndSeconds() {
        for value in [0, 7, 10, 999, 123_456_789, Int(Int32.max)] {
            var out: [UInt8] = []
            AccessLogLine.appendDecimal(value, into: &out)
            #expect(String(decoding: out, as: UTF8.self) == String(value))
        }
        var out: [UInt8] = []
        AccessLogLine.appendSeconds(.milliseconds(61_005), into: &out)
        #expect(String(decoding: out, as: UTF8.self) == "61.005")
    }
}
