import HTTPHead
import NIOHTTP1
import Testing

@testable import Proxy

@Suite("RequestParser")
struct RequestParserTests {
    /// Feeds `text` in pieces of `step` bytes, holding partial heads like the handler does;
    /// returns how many bytes were passed on and the rejection.
    func run(
        _ text: String,
        step: Int = .max,
        limits: RequestLimits = RequestLimits()
    ) -> (Int, RequestRejection?, RequestParser) {
        var validator = RequestParser(limits: limits)
        let bytes = Array(text.utf8)
        var accepted = 0
        var held = 0
        var index = 0
        while index < bytes.count {
            let end = min(bytes.count, index + max(1, step == .max ? bytes.count : step))
            let outcome = bytes[index..<end].withUnsafeBytes { validator.consume($0) }
            if outcome.acceptedBytes > 0 {
                accepted += held + outcome.acceptedBytes
                held = 0
            }
            if let heldFrom = outcome.heldFrom { held += end - index - heldFrom }
            if let rejection = outcome.rejection { return (accepted, rejection, validator) }
            index = end
        }
        return (accepted, nil, validator)
    }

    static let host = "Host: a\r\n"

    @Test(arguments: [1, 2, 7, Int.max])
    func acceptsPipelinedRequestsInAnySplit(step: Int) {
        let text =
            "GET / HTTP/1.1\r\n\(Self.host)\r\n"
            + "POST /a HTTP/1.1\r\n\(Self.host)Content-Length: 5\r\n\r\nhello"
            + "POST /b HTTP/1.1\r\n\(Self.host)Transfer-Encoding: chunked\r\n\r\n5;name=\"v a\"\r\nhello\r\n0\r\nX-Trailer: t\r\n\r\n"
            + "GET /c HTTP/1.0\r\n\r\n"
        let (accepted, rejection, validator) = self.run(text, step: step)
        #expect(rejection == nil)
        #expect(accepted == text.utf8.count)
        #expect(validator.state == .betweenMessages)
    }

    /// Every part and rejection, feeding `bytes` as the pieces that end at `cuts`: heads and ends
    /// as they are, bodies as their byte counts (a body's range is relative to its piece).
    static func parts(_ bytes: [UInt8], cuts: [Int], limits: RequestLimits) -> [String] {
        var parser = RequestParser(limits: limits)
        var parts: [String] = []
        var start = 0
        for cut in cuts + [bytes.count] where cut > start {
            // The parser keeps a partial head's bytes itself: each piece is fed once.
            let outcome = bytes[start..<cut].withUnsafeBytes { buffer in
                parser.consume(buffer) { part in
                    switch part {
                    case .head(let head, let framing): parts.append("head \(head) \(framing)")
                    case .body(let range):
                        // A body cut in pieces is the same body: its counts are added up.
                        if let last = parts.last, last.hasPrefix("body "), let count = Int(last.dropFirst(5)) {
                            parts[parts.count - 1] = "body \(count + range.count)"
                        } else {
                            parts.append("body \(range.count)")
                        }
                    case .end(let trailers): parts.append("end \(String(describing: trailers))")
                    }
                }
            }
            start = cut
            if let rejection = outcome.rejection {
                parts.append("rejected \(rejection)")
                return parts
            }
        }
        return parts
    }

    /// Line ends are found in runs when a CRLF arrives whole and byte by byte when it is split:
    /// both must read the same heads, bodies and rejections wherever the bytes are cut.
    @Test func everyCutReadsTheSame() {
        let limits = RequestLimits(maxHeaderCount: 3)
        let texts = [
            "GET /a HTTP/1.1\r\nHost: a\r\nX-A: b c\r\n\r\nGET /b HTTP/1.0\r\n\r\n",
            "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabcGET / HTTP/1.1\r\nHost: b\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: a\rX: y\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: a\nX: y\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: a\r\n\r\r\n",
            "GET / HTTP/1.1\r\nHost: a\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n",
            "\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n",
        ]
        for text in texts {
            let bytes = Array(text.utf8)
            let whole = Self.parts(bytes, cuts: [], limits: limits)
            #expect(whole.last?.hasPrefix("rejected") == true || whole.filter { $0.hasPrefix("head") }.count >= 1)
            for first in 1..<bytes.count {
                #expect(
                    Self.parts(bytes, cuts: [first], limits: limits) == whole,
                    "\(text.debugDescription) cut at \(first)"
                )
            }
            #expect(
                Self.parts(bytes, cuts: Array(1..<bytes.count), limits: limits) == whole,
                "\(text.debugDescription) byte by byte"
            )
        }
    }

    @Test func rejectionPointsAtTheFirstBadRequestAfterValidOnes() {
        let good = "GET / HTTP/1.1\r\n\(Self.host)\r\n"
        let (accepted, rejection, _) = self.run(good + "GET / HTTP/1.1\r\nX : y\r\n\r\n")
        #expect(rejection?.status == .badRequest)
        #expect(accepted == good.utf8.count)
    }

    @Test func fieldLines() {
        #expect(RequestParser.validateFieldLine(ArraySlice("X-A: b c\t".utf8)) == nil)
        #expect(RequestParser.validateFieldLine(ArraySlice("X-A:".utf8)) == nil)
        #expect(RequestParser.validateFieldLine(ArraySlice("X-A: caf\u{E9}".utf8)) == nil)
        #expect(
            RequestParser.validateFieldLine(ArraySlice(" X-A: b".utf8))?.reason == "obsolete line folding"
        )
        #expect(
            RequestParser.validateFieldLine(ArraySlice("X-A : b".utf8))?.reason == "whitespace before colon"
        )
        #expect(RequestParser.validateFieldLine(ArraySlice("X-A: \u{0}".utf8)) != nil)
        #expect(RequestParser.validateFieldLine(ArraySlice("X(A): b".utf8)) != nil)
    }

    /// The heads of one keep-alive connection: a head's fields are written into the last head's
    /// memory once its exchange has let that head go, and never while it is still held.
    @Test func aHeadsFieldsReuseTheLastOnesMemoryOnlyOnceItIsLetGo() {
        var parser = RequestParser()
        func nextHead(_ cookie: String) -> RequestHead? {
            var head: RequestHead?
            let text = "GET /customer/1 HTTP/1.1\r\nHost: acme.s20.online\r\nCookie: \(cookie)\r\n\r\n"
            _ = Array(text.utf8).withUnsafeBytes {
                parser.consume($0) { part in
                    if case .head(let received, _) = part { head = received }
                }
            }
            return head
        }
        func storage(_ head: RequestHead) -> UnsafeRawPointer? {
            head.fields.lines.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
        }
        var first = nextHead("one")
        // Still held: the next head's fields get memory of their own; the first ones stay as they were.
        var second = nextHead("two")
        let secondMemory = second.map(storage)
        #expect(secondMemory != first.map(storage))
        #expect(first?.fields.valueText(at: 1) == "one" && second?.fields.valueText(at: 1) == "two")
        // Let go: the third head's fields are written where the second's were.
        first = nil
        second = nil
        let third = nextHead("three")
        #expect(third.map(storage) == secondMemory)
        #expect(third?.fields.valueText(at: 1) == "three" && third?.fields.count == 2)
        #expect(
            String(decoding: third?.fields.lines ?? [], as: UTF8.self) == "Host: acme.s20.online\r\nCookie: three\r\n"
        )
    }

    /// A connection that sent one large head does not keep its memory while it idles: the next
    /// head gets memory of its own size.
    @Test func aLargeHeadsFieldMemoryIsNotKept() {
        var parser = RequestParser()
        func nextHead(_ cookie: String) -> RequestHead? {
            var head: RequestHead?
            let text = "GET / HTTP/1.1\r\nHost: acme.s20.online\r\nCookie: \(cookie)\r\n\r\n"
            _ = Array(text.utf8).withUnsafeBytes {
                parser.consume($0) { part in
                    if case .head(let received, _) = part { head = received }
                }
            }
            return head
        }
        var large = nextHead(String(repeating: "c", count: 6000))
        #expect((large?.fields.reservedBytes ?? 0) > RequestParser.maxSpareFieldBytes)
        large = nil
        let small = nextHead("one")
        #expect((small?.fields.reservedBytes ?? .max) <= RequestParser.maxSpareFieldBytes)
        #expect(small?.fields.valueText(at: 1) == "one")
    }

    @Test func requestLines() throws {
        #expect(
            try RequestParser.validateRequestLine(ArraySlice("GET / HTTP/1.1".utf8)).get().isHTTP10 == false
        )
        #expect(
            try RequestParser.validateRequestLine(ArraySlice("GET / HTTP/1.0".utf8)).get().isHTTP10 == true
        )
        for bad in [
            "GET  / HTTP/1.1", "GET / HTTP/1.1 ", "GET /\u{7F} HTTP/1.1", "G(T / HTTP/1.1", "GET / http/1.1", "GET /",
            " / HTTP/1.1", "GET  HTTP/1.1", "GET / HTTP/1.1 x", "GET", "", "GET / HTTP/2.0",
        ] {
            #expect(throws: RequestRejection.self, "\(bad)") {
                try RequestParser.validateRequestLine(ArraySlice(bad.utf8)).get()
            }
        }
    }

    @Test func requestLineInsideALargerBuffer() throws {
        // The validator passes slices of its head buffer: indices do not start at zero.
        let head = Array("xxGET /a HTTP/1.0yy".utf8)
        #expect(try RequestParser.validateRequestLine(head[2..<17]).get().isHTTP10 == true)
        #expect(throws: RequestRejection.self) { try RequestParser.validateRequestLine(head[2..<19]).get() }
    }

    @Test func headStartAndReadingFlags() {
        var validator = RequestParser()
        let first = Array("GET / HT".utf8).withUnsafeBytes { validator.consume($0) }
        #expect(first.headStarted)
        #expect(validator.isReadingHead)
        let second = Array("TP/1.1\r\nHost: a\r\n\r\n".utf8).withUnsafeBytes { validator.consume($0) }
        #expect(!second.headStarted)
        #expect(!validator.isReadingHead)
    }

    @Test func upgradeRequestHoldsLaterBytesUntilTheOutcome() {
        var (_, rejection, validator) = self.run(
            "GET / HTTP/1.1\r\n\(Self.host)Connection: Upgrade\r\nUpgrade: websocket\r\n\r\n"
        )
        #expect(rejection == nil)
        #expect(validator.isAwaitingUpgradeOutcome)
        let held = Array("anything".utf8).withUnsafeBytes { validator.consume($0) }
        #expect(held.acceptedBytes == 0)
        #expect(held.heldFrom == 0)
        var accepted = validator
        accepted.upgradeAccepted()
        #expect(accepted.isPassthrough)
        validator.upgradeRefused()
        #expect(validator.state == .betweenMessages)
    }

    @Test func upgradeHeaderWithoutConnectionUpgradeIsPlainHTTP() {
        let (_, rejection, validator) = self.run("GET / HTTP/1.1\r\n\(Self.host)Upgrade: websocket\r\n\r\n")
        #expect(rejection == nil)
        #expect(validator.state == .betweenMessages)
    }

    @Test func limits() {
        let small = RequestLimits(maxRequestLineBytes: 16, maxHeaderBytes: 32, maxHeaderCount: 2)
        #expect(self.run("GET /0123456789abcdef HTTP/1.1\r\n", limits: small).1?.status == .uriTooLong)
        #expect(
            self.run("GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\n", limits: small).1?.status
                == .requestHeaderFieldsTooLarge
        )
        #expect(
            self.run("GET / HTTP/1.1\r\nA: \(String(repeating: "x", count: 40))\r\n", limits: small).1?.status
                == .requestHeaderFieldsTooLarge
        )
    }

    @Test func failedValidatorAcceptsNothingMore() {
        var validator = RequestParser()
        _ = Array("GET / HTTP/1.1\r\nA : b\r\n\r\n".utf8).withUnsafeBytes { validator.consume($0) }
        let after = Array("GET / HTTP/1.1\r\n\r\n".utf8).withUnsafeBytes { validator.consume($0) }
        #expect(after.acceptedBytes == 0)
    }
}
