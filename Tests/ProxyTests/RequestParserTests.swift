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
