import NIOCore
import NIOHTTP1
import Testing

@testable import Proxy

/// Example-based tests of ``UpstreamResponseParser``: every way a response is refused, and the
/// framing rules of the responses it accepts (bodyless statuses and HEAD, interim responses, an
/// upgrade, bodies until close, trailers, bytes no request asked for), each also fed in small reads.
@Suite struct UpstreamResponseParserTests {
    /// What the parser produced, in a comparable form (adjacent body parts joined).
    enum Event: Equatable {
        case head(Int)
        case body(String)
        case end(trailers: String?)
    }

    struct Outcome {
        var events: [Event] = []
        var heads: [UpstreamResponseHead] = []
        /// Bytes `next(_:)` left in the buffers (no response expected).
        var leftover: [UInt8] = []
        var failure: UpstreamResponseParser.Failure?
        var parser: UpstreamResponseParser

        mutating func record(_ part: UpstreamResponseParser.Part) {
            switch part {
            case .head(let head):
                self.events.append(.head(head.status))
                self.heads.append(head)
            case .body(let buffer):
                #expect(buffer.readableBytes > 0, "empty body part")
                if case .body(let earlier) = self.events.last {
                    self.events[self.events.count - 1] = .body(earlier + String(buffer: buffer))
                } else {
                    self.events.append(.body(String(buffer: buffer)))
                }
            case .end(let trailers):
                self.events.append(.end(trailers: trailers.map { String(buffer: $0) }))
            }
        }
    }

    /// Sends one request, feeds `reads` (then the end of input, with `eof`) and records the parts.
    static func run(
        _ reads: [[UInt8]],
        isHEAD: Bool = false,
        maxHeadBytes: Int = 1024,
        eof: Bool = false
    ) -> Outcome {
        var outcome = Outcome(parser: UpstreamResponseParser(maxHeadBytes: maxHeadBytes))
        outcome.parser.requestSent(isHEAD: isHEAD)
        do {
            for read in reads {
                var buffer = ByteBuffer(bytes: read)
                while let part = try outcome.parser.next(&buffer) { outcome.record(part) }
                outcome.leftover += buffer.readableBytesView
            }
            if eof, let part = try outcome.parser.inputEnded() { outcome.record(part) }
        } catch let failure as UpstreamResponseParser.Failure {
            outcome.failure = failure
        } catch {
            Issue.record("unexpected error \(error)")
        }
        return outcome
    }

    static func run(
        _ text: String,
        readSize: Int? = nil,
        isHEAD: Bool = false,
        maxHeadBytes: Int = 1024,
        eof: Bool = false
    ) -> Outcome {
        Self.run(Self.reads(text, size: readSize), isHEAD: isHEAD, maxHeadBytes: maxHeadBytes, eof: eof)
    }

    /// The bytes of `text` in reads of `size` bytes (one read without a size).
    static func reads(_ text: String, size: Int?) -> [[UInt8]] {
        let bytes = Array(text.utf8)
        guard let size else { return [bytes] }
        return stride(from: 0, to: bytes.count, by: size).map { Array(bytes[$0..<min(bytes.count, $0 + size)]) }
    }

    /// The name and value of each field, in order.
    static func fields(_ head: UpstreamResponseHead) -> [String] {
        let bytes = Array(head.bytes.readableBytesView)
        return head.fields.map {
            String(decoding: bytes[$0.name], as: UTF8.self) + "=" + String(decoding: bytes[$0.value], as: UTF8.self)
        }
    }

    static let readSizes: [Int?] = [nil, 1, 3, 7]

    // MARK: - Rejections

    static let rejectedFraming = [
        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nContent-Length: 5\r\n\r\nhello",
        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello",
        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\ncontent-length: 6\r\n\r\nhello!",
        "HTTP/1.1 200 OK\r\nContent-Length: +5\r\n\r\nhello",
        "HTTP/1.1 200 OK\r\nContent-Length: 0x5\r\n\r\nhello",
        "HTTP/1.1 200 OK\r\nContent-Length: 5, 6\r\n\r\nhello",
        "HTTP/1.1 200 OK\r\nContent-Length: 5,5\r\n\r\nhello",
        "HTTP/1.1 200 OK\r\nContent-Length:\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length:   \r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 5 5\r\n\r\nhello",
        "HTTP/1.1 200 OK\r\nContent-Length: 5.0\r\n\r\nhello",
        "HTTP/1.1 200 OK\r\nContent-Length: 1000000000000000000\r\n\r\n",
        // Even where no body follows, the framing fields must be valid.
        "HTTP/1.1 204 No Content\r\nContent-Length: x\r\n\r\n",
        "HTTP/1.1 304 Not Modified\r\nContent-Length: 0\r\nTransfer-Encoding: chunked\r\n\r\n",
    ]

    static let rejectedChunking = [
        "zz\r\nhello\r\n0\r\n\r\n",
        "5 5\r\nhello\r\n0\r\n\r\n",
        "5 x\r\nhello\r\n0\r\n\r\n",
        "\r\nhello\r\n0\r\n\r\n",
        ";a\r\nhello\r\n0\r\n\r\n",
        "-5\r\nhello\r\n0\r\n\r\n",
        "0x5\r\nhello\r\n0\r\n\r\n",
        "1000000000000000\r\n",
        "0000000000000005\r\nhello\r\n0\r\n\r\n",
        "5\nhello\r\n0\r\n\r\n",
        "5\rhello\r\n0\r\n\r\n",
        "5\r\nhelloX\r\n0\r\n\r\n",
        "5\r\nhello\n0\r\n\r\n",
        "5\r\nhello\rX0\r\n\r\n",
        "5;a\u{01}\r\nhello\r\n0\r\n\r\n",
        "5;a\nhello\r\n0\r\n\r\n",
        "5;a\r\rhello\r\n0\r\n\r\n",
        "0\r\nX-T : a\r\n\r\n",
        "0\r\nnot a field\r\n\r\n",
        "0\r\n X-T: a\r\n\r\n",
        "0\r\nX-T: a\r\n  folded\r\n\r\n",
        "0\r\nX-T: a\n\r\n",
        "0\r\nX-T: a\r\n\n",
        "0\r\n\n",
        "0\r\nX-T: a\u{00}b\r\n\r\n",
        "0\r\n: a\r\n\r\n",
    ]

    static let rejectedHeads = [
        // obs-fold
        "HTTP/1.1 200 OK\r\nX-A: 1\r\n  continued\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nX-A: 1\r\n\tcontinued\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 200 OK\r\n X-A: 1\r\nContent-Length: 0\r\n\r\n",
        // bare CR
        "HTTP/1.1 200 OK\rContent-Length: 0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nX-A: a\rb\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nX-A: a\r\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nX\rA: a\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\r\n\r\n",
        // bare LF
        "HTTP/1.1 200 OK\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nX-A: a\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 0\n\n",
        "HTTP/1.1 200 OK\n\n",
        "HTTP/1.1 200 OK\n\r\n",
        // whitespace before the colon
        "HTTP/1.1 200 OK\r\nX-A : a\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nX-A\t: a\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length : 0\r\n\r\n",
        // control and other non-token bytes in a name, control bytes in a value
        "HTTP/1.1 200 OK\r\nX-\u{01}A: a\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nX-\u{7F}: a\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nX(A): a\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nX-é: a\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nX-A: a\u{00}b\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nX-A: a\u{01}\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nX-A: \u{1B}[0m\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nX-A: a\u{7F}\r\nContent-Length: 0\r\n\r\n",
        // no colon, no name
        "HTTP/1.1 200 OK\r\nX-A a\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 200 OK\r\n: a\r\nContent-Length: 0\r\n\r\n",
        // status lines
        "HTTP/1.1 2000 OK\r\nContent-Length: 0\r\n\r\n",
        "HTTP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.2 200 OK\r\nContent-Length: 0\r\n\r\n",
        "HTTP/0.9 200 OK\r\nContent-Length: 0\r\n\r\n",
        "HTTP/11 200 OK\r\nContent-Length: 0\r\n\r\n",
        "http/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
        "garbage\r\n\r\n",
        "HTTP/1.1 099 x\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 000 x\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 20 OK\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 2x0 OK\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 -20 OK\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1  200 OK\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1\t200 OK\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 200\tOK\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 200 O\u{01}K\r\nContent-Length: 0\r\n\r\n",
        " HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
        "\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 200OK\r\nContent-Length: 0\r\n\r\n",
    ]

    @Test(arguments: rejectedFraming + rejectedHeads, readSizes)
    func rejectsHead(_ text: String, readSize: Int?) throws {
        let outcome = Self.run(text, readSize: readSize)
        #expect(outcome.failure != nil, "\(text.debugDescription) in reads of \(readSize.map(String.init) ?? "all")")
        #expect(outcome.heads.isEmpty)
        try Self.expectFailed(outcome.parser)
    }

    @Test(arguments: rejectedChunking, readSizes)
    func rejectsChunking(_ chunked: String, readSize: Int?) throws {
        let text = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked
        let outcome = Self.run(text, readSize: readSize)
        #expect(outcome.failure != nil, "\(chunked.debugDescription) in reads of \(readSize.map(String.init) ?? "all")")
        #expect(outcome.events.first == .head(200))
        #expect(!outcome.events.contains { if case .end = $0 { true } else { false } })
        try Self.expectFailed(outcome.parser)
    }

    /// A failed parser stays failed: it expects nothing and hands nothing out.
    static func expectFailed(_ parser: UpstreamResponseParser) throws {
        var parser = parser
        #expect(parser.state == .failed)
        #expect(!parser.isExpectingResponse)
        #expect(!parser.isIdle)
        parser.requestSent(isHEAD: false)
        var buffer = ByteBuffer(string: "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
        #expect(try parser.next(&buffer) == nil)
        #expect(buffer.readableBytes > 0)
        #expect(try parser.inputEnded() == nil)
    }

    // MARK: - Head size

    /// A response whose head, including the empty line ending it, is exactly `length` bytes.
    static func response(headLength length: Int) -> String {
        let start = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-Fill: "
        precondition(length >= start.utf8.count + 4)
        return start + String(repeating: "f", count: length - start.utf8.count - 4) + "\r\n\r\nok"
    }

    @Test(arguments: [nil, 1, 5, 64] as [Int?])
    func rejectsAHeadLargerThanTheLimit(readSize: Int?) {
        let outcome = Self.run(Self.response(headLength: 400), readSize: readSize, maxHeadBytes: 200)
        #expect(outcome.failure != nil)
        #expect(outcome.events.isEmpty)
        // A head that never ends is refused once it outgrows the limit, not buffered forever.
        let endless = "HTTP/1.1 200 OK\r\n" + String(repeating: "X-Fill: ffffffffffffffffffff\r\n", count: 100)
        let unfinished = Self.run(endless, readSize: readSize, maxHeadBytes: 200)
        #expect(unfinished.failure != nil)
    }

    @Test func acceptsAHeadWithinTheLimit() {
        for readSize in Self.readSizes {
            let outcome = Self.run(Self.response(headLength: 200), readSize: readSize, maxHeadBytes: 200)
            #expect(outcome.failure == nil)
            #expect(outcome.events == [.head(200), .body("ok"), .end(trailers: nil)])
        }
    }

    /// Whether a head fits must not depend on how its bytes were split into reads.
    @Test(arguments: 190...215)
    func headLimitIgnoresReadBoundaries(headLength: Int) {
        let whole = Self.run(Self.response(headLength: headLength), maxHeadBytes: 200)
        for readSize in [1, 2, 3, 7, 50, 199, 201, 203] {
            let split = Self.run(Self.response(headLength: headLength), readSize: readSize, maxHeadBytes: 200)
            #expect(
                (split.failure == nil) == (whole.failure == nil),
                "head of \(headLength) bytes in reads of \(readSize): \(split.failure.map(\.reason) ?? "accepted")"
            )
            #expect(split.events == whole.events)
        }
        if headLength > 210 { #expect(whole.failure != nil) }
        if headLength <= 200 { #expect(whole.failure == nil) }
    }

    @Test(arguments: [nil, 1, 9] as [Int?])
    func rejectsTrailersLargerThanTheLimit(readSize: Int?) {
        let trailers = String(repeating: "X-T: tttttttttttttttttttt\r\n", count: 20)
        let text = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n" + trailers + "\r\n"
        let outcome = Self.run(text, readSize: readSize, maxHeadBytes: 200)
        #expect(outcome.failure != nil)
        #expect(outcome.events == [.head(200), .body("ok")])
    }

    // MARK: - End of input

    static let cutShort = [
        "H",
        "HTTP/1.1 200 OK",
        "HTTP/1.1 200 OK\r\nContent-Le",
        "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r",
        "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc",
        "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabcdefghi",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nX-T: 1\r\n",
        // The upstream answered with an interim response, then closed before the final one.
        "HTTP/1.1 100 Continue\r\n\r\n",
        "HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\nHTTP/1.1 2",
    ]

    @Test(arguments: cutShort, [nil, 1] as [Int?])
    func refusesAResponseCutShort(_ text: String, readSize: Int?) {
        let outcome = Self.run(text, readSize: readSize, eof: true)
        #expect(outcome.failure != nil, "\(text.debugDescription)")
        #expect(!outcome.events.contains { if case .end = $0 { true } else { false } })
        #expect(outcome.parser.state == .failed)
    }

    @Test func endOfInputWithoutAResponseIsNotAFailure() throws {
        // Nothing was asked.
        var idle = UpstreamResponseParser()
        #expect(try idle.inputEnded() == nil)
        // A request was sent and nothing came back (the caller decides about a retry).
        let silent = Self.run([], eof: true)
        #expect(silent.failure == nil)
        #expect(silent.events.isEmpty)
        // After a complete response.
        let complete = Self.run("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", eof: true)
        #expect(complete.failure == nil)
        #expect(complete.events == [.head(200), .body("ok"), .end(trailers: nil)])
    }

    /// The last body bytes arrived, and the input ended before the caller asked for the end.
    @Test func inputEndedAfterTheLastBodyByteEndsTheResponse() throws {
        for text in [
            "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", "HTTP/1.1 204 No Content\r\n\r\n",
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n",
        ] {
            var parser = UpstreamResponseParser()
            parser.requestSent(isHEAD: false)
            var buffer = ByteBuffer(string: text)
            var parts = 0
            while let part = try parser.next(&buffer) {
                parts += 1
                if case .end = part { Issue.record("ended early") }
                if case .head(let head) = part, head.status != 200 { break }
                if case .body = part { break }
            }
            #expect(parts > 0)
            let end = try parser.inputEnded()
            guard case .end(nil) = end else {
                Issue.record("\(text.debugDescription): no end at the end of input")
                continue
            }
            #expect(try parser.next(&buffer) == nil)
            #expect(try parser.inputEnded() == nil)
        }
    }

    // MARK: - Heads

    static let richHead =
        "HTTP/1.1 200 Fine, thanks\r\nServer: x \r\nSet-Cookie: a=1; Path=/\r\nset-cookie:b=2\r\n"
        + "X-Empty:\r\nX-Tab:\tv\t\r\nX-Obs: caf\u{E9}\r\nContent-Length: 3\r\n\r\nabc"

    @Test(arguments: readSizes)
    func parsesAHeadInAnyReads(readSize: Int?) throws {
        let outcome = Self.run(Self.richHead, readSize: readSize)
        #expect(outcome.failure == nil)
        #expect(outcome.events == [.head(200), .body("abc"), .end(trailers: nil)])
        let head = try #require(outcome.heads.first)
        #expect(head.version == .http1_1)
        #expect(String(decoding: Array(head.bytes.readableBytesView)[head.reason], as: UTF8.self) == "Fine, thanks")
        #expect(
            Self.fields(head) == [
                "Server=x", "Set-Cookie=a=1; Path=/", "set-cookie=b=2", "X-Empty=", "X-Tab=v", "X-Obs=caf\u{E9}",
                "Content-Length=3",
            ]
        )
        #expect(head.values(of: "set-cookie") == ["a=1; Path=/", "b=2"])
        #expect(head.values(of: "x-missing") == [])
        #expect(head.contentLength == 3)
        #expect(head.transferCoding == .none)
        // The head's bytes: the status line and field lines with their CRLFs, not the empty line.
        let headText = String(Self.richHead[..<Self.richHead.range(of: "\r\n\r\n")!.lowerBound]) + "\r\n"
        #expect(String(buffer: head.bytes) == headText)
        for field in head.fields {
            let line = String(decoding: Array(head.bytes.readableBytesView)[field.line], as: UTF8.self)
            #expect(line.hasSuffix("\r\n"))
            #expect(line.hasPrefix(String(decoding: Array(head.bytes.readableBytesView)[field.name], as: UTF8.self)))
        }
    }

    @Test(arguments: readSizes)
    func acceptsAStatusLineWithoutReason(readSize: Int?) throws {
        for statusLine in ["HTTP/1.1 200\r\n", "HTTP/1.1 200 \r\n"] {
            let outcome = Self.run(statusLine + "Content-Length: 2\r\n\r\nok", readSize: readSize)
            #expect(outcome.failure == nil)
            #expect(outcome.events == [.head(200), .body("ok"), .end(trailers: nil)])
            let head = try #require(outcome.heads.first)
            #expect(head.reason.isEmpty)
        }
        let http10 = Self.run("HTTP/1.0 404\r\nContent-Length: 0\r\n\r\n", readSize: readSize)
        #expect(http10.events == [.head(404), .end(trailers: nil)])
        #expect(http10.heads.first?.version == .http1_0)
    }

    @Test func acceptsContentLengthForms() throws {
        for (value, length) in [
            ("0", 0), ("007", 7), ("  3  ", 3), ("\t3", 3), ("999999999999999999", 999_999_999_999_999_999),
        ] {
            let outcome = Self.run("HTTP/1.1 200 OK\r\nContent-Length:\(value)\r\n\r\n", readSize: nil)
            #expect(outcome.failure == nil, "\(value.debugDescription)")
            #expect(outcome.heads.first?.contentLength == length)
        }
        let empty = Self.run("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
        #expect(empty.events == [.head(200), .end(trailers: nil)])
        #expect(empty.parser.isIdle)
    }

    // MARK: - Bodyless responses

    @Test(arguments: readSizes)
    func aHEADResponseHasNoBody(readSize: Int?) {
        let next = "HTTP/1.1 200 OK\r\n"
        for framing in ["Content-Length: 5\r\n", "Transfer-Encoding: chunked\r\n", ""] {
            let outcome = Self.run("HTTP/1.1 200 OK\r\n\(framing)\r\n\(next)", readSize: readSize, isHEAD: true)
            #expect(outcome.failure == nil)
            #expect(outcome.events == [.head(200), .end(trailers: nil)], "\(framing)")
            #expect(String(decoding: outcome.leftover, as: UTF8.self) == next)
            #expect(outcome.parser.isIdle)
        }
    }

    @Test(arguments: ["204 No Content", "304 Not Modified"], readSizes)
    func bodylessStatusesHaveNoBody(_ status: String, readSize: Int?) {
        let next = "HTTP/1.1 200 OK\r\n"
        for framing in ["Content-Length: 5\r\n", "Transfer-Encoding: chunked\r\n", ""] {
            let outcome = Self.run("HTTP/1.1 \(status)\r\n\(framing)\r\n\(next)", readSize: readSize)
            #expect(outcome.failure == nil)
            #expect(outcome.events == [.head(Int(status.prefix(3))!), .end(trailers: nil)], "\(framing)")
            #expect(String(decoding: outcome.leftover, as: UTF8.self) == next)
        }
    }

    // MARK: - Until close

    @Test(arguments: readSizes)
    func aBodyWithoutLengthRunsUntilClose(readSize: Int?) {
        for head in [
            "HTTP/1.1 200 OK\r\nX-A: 1\r\n\r\n",
            "HTTP/1.0 200 OK\r\n\r\n",
        ] {
            let body = "0\r\n\r\nHTTP/1.1 200 OK\r\n\r\nmore"
            let open = Self.run(head + body, readSize: readSize)
            #expect(open.failure == nil)
            #expect(open.events == [.head(200), .body(body)], "\(head.debugDescription)")
            #expect(open.parser.isExpectingResponse)
            let closed = Self.run(head + body, readSize: readSize, eof: true)
            #expect(closed.events == [.head(200), .body(body), .end(trailers: nil)])
            #expect(closed.parser.isIdle)
            #expect(closed.leftover.isEmpty)
        }
        let empty = Self.run("HTTP/1.1 200 OK\r\n\r\n", readSize: readSize, eof: true)
        #expect(empty.events == [.head(200), .end(trailers: nil)])
    }

    /// `chunked` alone, once (any case, with optional whitespace), as nginx accepts: any other
    /// coding would reach the client unannounced, and `chunked` twice would pass the inner framing
    /// off as content — each is refused (502).
    @Test func onlyChunkedAloneIsAccepted() throws {
        let accepted = [
            "Transfer-Encoding: chunked\r\n", "Transfer-Encoding: CHUNKED\r\n", "Transfer-Encoding: chunked , \r\n",
            // Optional whitespace is SP or HTAB (RFC 9110 §5.6.1; llhttp skips only SP there).
            "Transfer-Encoding:\tchunked\t\r\n",
        ]
        for fields in accepted {
            let outcome = Self.run("HTTP/1.1 200 OK\r\n\(fields)\r\n0\r\n\r\n")
            #expect(outcome.heads.first?.transferCoding == .chunked, "\(fields.debugDescription)")
        }
        #expect(
            Self.run("HTTP/1.1 200 OK\r\n\r\n").heads.first?.transferCoding == UpstreamResponseHead.TransferCoding.none
        )
        let refused = [
            "Transfer-Encoding: gzip, chunked\r\n", "Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n",
            "Transfer-Encoding: chunked, chunked\r\n", "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n",
            "Transfer-Encoding: chunked, gzip\r\n", "Transfer-Encoding: gzip\r\n", "Transfer-Encoding: chunkedx\r\n",
            "Transfer-Encoding: \r\n",
        ]
        for fields in refused {
            let outcome = Self.run("HTTP/1.1 200 OK\r\n\(fields)\r\n0\r\n\r\n")
            #expect(outcome.heads.isEmpty, "\(fields.debugDescription)")
            #expect(outcome.failure != nil, "\(fields.debugDescription)")
        }
    }

    // MARK: - Chunked bodies

    @Test(arguments: readSizes)
    func readsChunkedBodies(readSize: Int?) {
        let chunked =
            "5\r\nhello\r\nA;name=value\r\n0123456789\r\n00000000000001;q=\"a b;c\"\r\n!\r\n"
            + "c\r\n0\r\n\r\nHTTP/1.\r\n3 ;a=b\r\nxyz\r\n000;last\r\n\r\n"
        let text = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked + "next"
        let outcome = Self.run(text, readSize: readSize)
        #expect(outcome.failure == nil)
        #expect(outcome.events == [.head(200), .body("hello0123456789!0\r\n\r\nHTTP/1.xyz"), .end(trailers: nil)])
        #expect(String(decoding: outcome.leftover, as: UTF8.self) == "next")
        #expect(outcome.parser.isIdle)
    }

    @Test(arguments: readSizes)
    func returnsTrailersRaw(readSize: Int?) {
        let trailers = "X-Checksum: abc\r\nServer-Timing:  db;dur=53 \r\nx-empty:\r\n"
        let text = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n" + trailers + "\r\n"
        let outcome = Self.run(text, readSize: readSize)
        #expect(outcome.failure == nil)
        #expect(outcome.events == [.head(200), .body("ok"), .end(trailers: trailers)])
        #expect(outcome.leftover.isEmpty)
        #expect(outcome.parser.isIdle)
    }

    @Test(arguments: readSizes)
    func anEmptyTrailerSectionGivesNoTrailers(readSize: Int?) {
        for body in ["0\r\n\r\n", "2\r\nok\r\n0\r\n\r\n", "0;a=b\r\n\r\n"] {
            let text = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + body + "HTTP"
            let outcome = Self.run(text, readSize: readSize)
            #expect(outcome.failure == nil)
            #expect(outcome.events.last == .end(trailers: nil), "\(body.debugDescription)")
            #expect(String(decoding: outcome.leftover, as: UTF8.self) == "HTTP")
        }
    }

    // MARK: - Interim responses and upgrades

    @Test(arguments: readSizes)
    func interimResponsesComeBeforeTheFinalOne(readSize: Int?) throws {
        let text =
            "HTTP/1.1 100 Continue\r\n\r\n"
            + "HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\nContent-Length: 5\r\n\r\n"
            + "HTTP/1.1 102 Processing\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
        let outcome = Self.run(text, readSize: readSize)
        #expect(outcome.failure == nil)
        #expect(outcome.events == [.head(100), .head(103), .head(102), .head(200), .body("ok"), .end(trailers: nil)])
        #expect(outcome.heads[1].values(of: "link") == ["</a.css>; rel=preload"])
        #expect(outcome.heads.map(\.isInformational) == [true, true, true, false])
        #expect(outcome.parser.isIdle)
        // An interim response to a HEAD request; the final response still has no body.
        let head = Self.run(
            "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n",
            readSize: readSize,
            isHEAD: true
        )
        #expect(head.events == [.head(100), .head(200), .end(trailers: nil)])
    }

    @Test(arguments: readSizes)
    func aSwitchingProtocolsResponseLeavesTheTunnelBytes(readSize: Int?) throws {
        let head = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"
        let tunnel = "\u{1}\u{2}HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
        var outcome = Self.run(head + tunnel, readSize: readSize)
        #expect(outcome.failure == nil)
        #expect(outcome.events == [.head(101), .end(trailers: nil)])
        #expect(String(decoding: outcome.leftover, as: UTF8.self) == tunnel)
        #expect(outcome.parser.isUpgraded)
        #expect(!outcome.parser.isExpectingResponse)
        #expect(outcome.heads.first?.upgradeIsWebSocket == true)
        // The parser stays out of the tunnel.
        outcome.parser.requestSent(isHEAD: false)
        var buffer = ByteBuffer(string: tunnel)
        #expect(try outcome.parser.next(&buffer) == nil)
        #expect(String(buffer: buffer) == tunnel)
        #expect(try outcome.parser.inputEnded() == nil)
        #expect(outcome.parser.isUpgraded)
    }

    // MARK: - Bytes nobody asked for

    @Test(arguments: readSizes)
    func bytesAfterTheResponseStayInTheBuffer(readSize: Int?) throws {
        let extra = "HTTP/1.1 404 Not Found\r\nContent-Length: 4\r\n\r\nnope"
        for first in [
            "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\nX-T: 1\r\n\r\n",
        ] {
            var outcome = Self.run(first + extra, readSize: readSize)
            #expect(outcome.failure == nil)
            #expect(outcome.events.first == .head(200))
            #expect(outcome.events.dropFirst().first == .body("ok"))
            #expect(outcome.events.count == 3)
            #expect(String(decoding: outcome.leftover, as: UTF8.self) == extra)
            #expect(outcome.parser.isIdle)
            #expect(!outcome.parser.isExpectingResponse)
            // Asked again without a request: still nothing, and the bytes stay.
            var buffer = ByteBuffer(bytes: outcome.leftover)
            #expect(try outcome.parser.next(&buffer) == nil)
            #expect(buffer.readableBytes == extra.utf8.count)
            // Once a request is sent, they are its response.
            outcome.parser.requestSent(isHEAD: false)
            var parts: [UpstreamResponseParser.Part] = []
            while let part = try outcome.parser.next(&buffer) { parts.append(part) }
            #expect(parts.count == 3)
            if case .head(let head) = parts.first { #expect(head.status == 404) } else { Issue.record("no head") }
            #expect(buffer.readableBytes == 0)
            #expect(outcome.parser.isIdle)
        }
    }

    @Test func aResponseBeforeAnyRequestIsLeftAlone() throws {
        var parser = UpstreamResponseParser()
        var buffer = ByteBuffer(string: "HTTP/1.1 200 OK\r\n\r\n")
        #expect(try parser.next(&buffer) == nil)
        #expect(buffer.readableBytes == 19)
        #expect(parser.isIdle)
    }

    // MARK: - Connection and Upgrade

    static let keepAliveCases: [(String, Bool)] = [
        ("HTTP/1.1 200 OK\r\n", true),
        ("HTTP/1.1 200 OK\r\nConnection: close\r\n", false),
        ("HTTP/1.1 200 OK\r\nConnection: Close\r\n", false),
        ("HTTP/1.1 200 OK\r\nConnection: keep-alive\r\n", true),
        ("HTTP/1.1 200 OK\r\nConnection: x-foo, close\r\n", false),
        ("HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nConnection: close\r\n", false),
        ("HTTP/1.1 200 OK\r\nConnection: closed\r\n", true),
        ("HTTP/1.1 200 OK\r\nX-Connection: close\r\n", true),
        ("HTTP/1.0 200 OK\r\n", false),
        ("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n", true),
        ("HTTP/1.0 200 OK\r\nConnection: Keep-Alive, X-Foo\r\n", true),
        ("HTTP/1.0 200 OK\r\nConnection: x-foo\r\n", false),
        ("HTTP/1.0 200 OK\r\nConnection: keep-alive, close\r\n", false),
        ("HTTP/1.0 200 OK\r\nConnection: ,,keep-alive ,\r\n", true),
    ]

    @Test(arguments: keepAliveCases)
    func keepAliveFollowsVersionAndConnection(_ head: String, keepAlive: Bool) {
        let outcome = Self.run(head + "Content-Length: 0\r\n\r\n")
        #expect(outcome.failure == nil)
        #expect(outcome.heads.first?.isKeepAlive == keepAlive)
    }

    static let upgradeCases: [(String, Bool)] = [
        ("Upgrade: websocket\r\n", true),
        ("Upgrade: WebSocket\r\n", true),
        ("Upgrade:  websocket \r\n", true),
        ("Upgrade: websocket,\r\n", true),
        ("Upgrade: websocket, h2c\r\n", false),
        ("Upgrade: h2c, websocket\r\n", false),
        ("Upgrade: websocket\r\nUpgrade: websocket\r\n", false),
        ("Upgrade: websocket\r\nUpgrade: h2c\r\n", false),
        ("Upgrade: websocket/13\r\n", false),
        ("Upgrade: websockets\r\n", false),
        ("Upgrade: h2c\r\n", false),
        ("Upgrade:\r\n", false),
        ("X-Upgrade: websocket\r\n", false),
        ("", false),
    ]

    @Test(arguments: upgradeCases)
    func upgradeIsWebSocketOnlyForExactlyOneWebSocketToken(_ fields: String, isWebSocket: Bool) {
        let outcome = Self.run("HTTP/1.1 101 Switching Protocols\r\nConnection: upgrade\r\n\(fields)\r\n")
        #expect(outcome.failure == nil)
        #expect(outcome.heads.first?.upgradeIsWebSocket == isWebSocket)
    }

    /// The block end is found from line feed to line feed (`memchr`): the same answer as reading
    /// byte by byte (the reference below), for any bytes, start and empty-block rule.
    @Test func blockEndsAreFoundAsByteByByte() {
        func reference(_ bytes: [UInt8], from start: Int, allowEmpty: Bool) -> (Int?, Int) {
            let count = bytes.count
            if allowEmpty {
                if start == 0, count >= 1, bytes[0] == ASCII.lf { return (1, 0) }
                if start == 0, count >= 2, bytes[0] == ASCII.cr, bytes[1] == ASCII.lf { return (2, 0) }
                if start == 0, count < 2 { return (nil, 0) }
            }
            var index = start
            while index < count {
                if bytes[index] != ASCII.lf {
                    index += 1
                    continue
                }
                let next = index + 1
                if next >= count { return (nil, index) }
                if bytes[next] == ASCII.lf { return (next + 1, 0) }
                if bytes[next] == ASCII.cr {
                    if next + 1 >= count { return (nil, index) }
                    if bytes[next + 1] == ASCII.lf { return (next + 2, 0) }
                }
                index = next
            }
            return (nil, count)
        }
        var generator = SystemRandomNumberGenerator()
        let alphabet: [UInt8] = [ASCII.cr, ASCII.lf, UInt8(ascii: "a"), UInt8(ascii: ":"), UInt8(ascii: " ")]
        for _ in 0..<2_000 {
            let count = Int.random(in: 0...40, using: &generator)
            let bytes = (0..<count).map { _ in alphabet.randomElement(using: &generator) ?? 0 }
            let start = Int.random(in: 0...count, using: &generator)
            for allowEmpty in [false, true] {
                let found = bytes.withUnsafeBytes {
                    UpstreamResponseParser.findBlockEnd($0, from: start, allowEmpty: allowEmpty)
                }
                let expected = reference(bytes, from: start, allowEmpty: allowEmpty)
                #expect(found.end == expected.0 && found.resume == expected.1, "\(bytes) from \(start)")
            }
        }
    }

    /// The response heads of one connection: a head's field list is written into the last head's
    /// memory once that head is let go, never while it is still held, and not after a head of
    /// many fields.
    @Test func aHeadsFieldListReusesTheLastOnesMemoryOnlyOnceItIsLetGo() throws {
        func response(_ value: String) -> ByteBuffer {
            ByteBuffer(string: "HTTP/1.1 200 OK\r\nServer: nginx\r\nX-Value: \(value)\r\nContent-Length: 0\r\n\r\n")
        }
        func nextHead(_ parser: inout UpstreamResponseParser, _ value: String) throws -> UpstreamResponseHead? {
            parser.requestSent(isHEAD: false)
            var buffer = response(value)
            guard case .head(let head) = try parser.next(&buffer) else { return nil }
            #expect(try parser.next(&buffer).map { if case .end = $0 { true } else { false } } == true)
            return head
        }
        func storage(_ head: UpstreamResponseHead) -> UnsafeRawPointer? {
            head.fields.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
        }
        func value(_ head: UpstreamResponseHead) -> String? {
            head.fields.dropFirst().first.map { field in
                head.bytes.getString(at: head.bytes.readerIndex + field.value.lowerBound, length: field.value.count)
            } ?? nil
        }
        var parser = UpstreamResponseParser()
        var first: UpstreamResponseHead? = try nextHead(&parser, "one")
        let firstMemory = first.map(storage)
        // Still held: the next head gets a list of its own, and the first one's is left as it was.
        var second: UpstreamResponseHead? = try nextHead(&parser, "two")
        let secondMemory = second.map(storage)
        #expect(secondMemory != firstMemory)
        #expect(first.flatMap(value) == "one" && second.flatMap(value) == "two")
        #expect(first?.fields.count == 3 && second?.fields.count == 3)
        // Let go (the exchange is done with them): the third head is written where the second was.
        first = nil
        second = nil
        var third: UpstreamResponseHead? = try nextHead(&parser, "three")
        #expect(third.map(storage) == secondMemory)
        #expect(third.flatMap(value) == "three" && third?.fields.count == 3)
        third = nil
        // A head of many fields: its list is not kept for the next response.
        parser.requestSent(isHEAD: false)
        let manyFields = (0..<200).map { "X-Field-\($0): v\r\n" }.joined()
        var buffer = ByteBuffer(string: "HTTP/1.1 200 OK\r\n\(manyFields)Content-Length: 0\r\n\r\n")
        guard case .head(let large) = try parser.next(&buffer) else {
            Issue.record("no head")
            return
        }
        #expect(large.fields.capacity > UpstreamResponseParser.maxSpareFields)
        _ = try parser.next(&buffer)
        #expect(
            try nextHead(&parser, "four").map { $0.fields.capacity <= UpstreamResponseParser.maxSpareFields } == true
        )
    }
}
