import HTTPHead
import NIOCore
import NIOEmbedded
import NIOHTTP1
import Testing

@testable import Proxy

@Suite("Handlers on EmbeddedChannel")
struct HandlerEmbeddedTests {
    @Test(arguments: [
        ("/healthz", 200, "ok\n"), ("/readyz", 503, "not ready\n"), ("/metrics", 200, "m 1\n"),
        ("/nope", 404, "not found\n"),
    ])
    func adminEndpoints(path: String, status: Int, body: String) throws {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(AdminHandler(readiness: { false }, metrics: { "m 1\n" }))
        try channel.writeInbound(
            HTTPServerRequestPart.head(HTTPRequestHead(version: .http1_1, method: .GET, uri: path))
        )
        try channel.writeInbound(HTTPServerRequestPart.end(nil))
        guard case .head(let head) = try channel.readOutbound(as: HTTPServerResponsePart.self) else {
            Issue.record("no head")
            return
        }
        #expect(head.status.code == status)
        let requestID = try #require(head.headers["x-request-id"].first)
        #expect(requestID.utf8.count == 32 && requestID.allSatisfy(\.isHexDigit), "\(requestID)")
        guard case .body(.byteBuffer(let buffer)) = try channel.readOutbound(as: HTTPServerResponsePart.self) else {
            Issue.record("no body")
            return
        }
        #expect(String(buffer: buffer) == body)
        _ = try channel.finish()
    }
}

/// Records what reaches the end of a pipeline behind ``RequestDecodingHandler``.
final class EventRecorder: ChannelInboundHandler {
    typealias InboundIn = RequestPart
    var parts: [HTTPServerRequestPart] = []
    /// The framing delivered with each head (receivers only: the pipeline carries none).
    var framings: [MessageFraming] = []
    var headStarts = 0
    var errors: [RequestRejection] = []
    /// Runs for every part, inside the delivery (to call back into the decoder).
    var onPart: ((HTTPServerRequestPart) -> Void)?

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        self.requestPartDecoded(Self.unwrapInboundIn(data))
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is RequestHeadStarted { self.headStarts += 1 }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        if let rejection = error as? RequestRejection { self.errors.append(rejection) }
    }

    /// The parts so far in a readable form: `HEAD METHOD URI`, `BODY text`, `END` (with trailers).
    var summary: [String] {
        self.parts.map { part in
            switch part {
            case .head(let head): return "HEAD \(head.method.rawValue) \(head.uri)"
            case .body(let buffer): return "BODY \(String(buffer: buffer))"
            case .end(let trailers):
                return trailers.map { "END " + $0.map { "\($0.name)=\($0.value)" }.joined(separator: ",") } ?? "END"
            }
        }
    }

    /// The body parts of all requests so far, joined.
    var body: String {
        self.parts.reduce(into: "") { text, part in
            if case .body(let buffer) = part { text += String(buffer: buffer) }
        }
    }
}

extension EventRecorder: RequestDecodingReceiver {
    func requestHeadDecoded(_ head: RequestHead, framing: MessageFraming) {
        self.framings.append(framing)
        self.requestPartDecoded(.head(head))
    }

    /// Kept as NIO's parts, heads with their fields as strings, as the tests compare them.
    func requestPartDecoded(_ part: RequestPart) {
        let recorded: HTTPServerRequestPart
        switch part {
        case .head(let head): recorded = .head(head.httpRequestHead)
        case .body(let buffer): recorded = .body(buffer)
        case .end(let trailers): recorded = .end(trailers)
        }
        self.parts.append(recorded)
        self.onPart?(recorded)
    }

    func requestHeadStarted() {
        self.headStarts += 1
    }

    func requestRejected(_ rejection: RequestRejection) {
        self.errors.append(rejection)
    }
}

@Suite("RequestDecodingHandler")
struct RequestDecodingHandlerTests {
    @Test func aReceiverTakesTheDeliveriesInsteadOfThePipeline() throws {
        let reads = [
            "GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHo",
            "st: a\r\n\r\nGET /3 HTTP/1.1\r\nHost: a\r\nContent-Length: x\r\n\r\n",
        ]
        // What the pipeline gets without a receiver…
        let (plain, fired) = try self.makeChannel()
        for read in reads { try plain.writeInbound(ByteBuffer(string: read)) }
        _ = try? plain.finish()
        // …a receiver gets instead, and the pipeline nothing.
        let channel = EmbeddedChannel()
        let decoder = RequestDecodingHandler(limits: RequestLimits(), headerTimeout: .seconds(10))
        try channel.pipeline.syncOperations.addHandler(decoder)
        let downstream = EventRecorder()
        try channel.pipeline.syncOperations.addHandler(downstream)
        let receiver = EventRecorder()
        decoder.receiver = receiver
        for read in reads { try channel.writeInbound(ByteBuffer(string: read)) }
        #expect(receiver.summary == ["HEAD GET /1", "END", "HEAD GET /2", "END"])
        #expect(receiver.summary == fired.summary)
        #expect(receiver.headStarts == fired.headStarts)
        #expect(receiver.errors == fired.errors)
        #expect(receiver.errors.map(\.status.code) == [400])
        #expect(downstream.parts.isEmpty && downstream.headStarts == 0 && downstream.errors.isEmpty)
        _ = try? channel.finish()
    }

    @Test func aReceiverGetsEachHeadWithTheFramingTheParserDecided() throws {
        let channel = EmbeddedChannel()
        let decoder = RequestDecodingHandler(limits: RequestLimits(), headerTimeout: .seconds(10))
        try channel.pipeline.syncOperations.addHandler(decoder)
        let receiver = EventRecorder()
        decoder.receiver = receiver
        try channel.writeInbound(
            ByteBuffer(
                string: "GET /1 HTTP/1.1\r\nHost: a\r\n\r\n"
                    + "POST /2 HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc"
                    + "POST /3 HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n"
                    + "POST /4 HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n"
            )
        )
        #expect(
            receiver.summary == [
                "HEAD GET /1", "END", "HEAD POST /2", "BODY abc", "END", "HEAD POST /3", "BODY x", "END",
                "HEAD POST /4", "END",
            ]
        )
        #expect(receiver.framings == [.none, .length(3), .chunked, .length(0)])
        _ = try? channel.finish()
    }

    func makeChannel(headerTimeout: TimeAmount = .seconds(10)) throws -> (EmbeddedChannel, EventRecorder) {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(
            RequestDecodingHandler(limits: RequestLimits(), headerTimeout: headerTimeout)
        )
        let recorder = EventRecorder()
        try channel.pipeline.syncOperations.addHandler(recorder)
        return (channel, recorder)
    }

    @Test func decodesAHeadAndFlagsOnlyAnIncompleteHeadStart() throws {
        let (channel, recorder) = try self.makeChannel()
        try channel.writeInbound(ByteBuffer(string: "GET /a?b=c HTTP/1.1\r\nHost: a\r\nX-Two:  1 \r\nx-two:2\r\n\r\n"))
        #expect(recorder.summary == ["HEAD GET /a?b=c", "END"])
        guard case .head(let head) = recorder.parts.first else { return }
        #expect(head.version == .http1_1)
        // Names as received, values without surrounding whitespace, repeated fields in order.
        #expect(head.headers.map { "\($0.name)=\($0.value)" } == ["Host=a", "X-Two=1", "x-two=2"])
        // A head complete in one read needs no head-start event: its arrival says it.
        #expect(recorder.headStarts == 0)
        try channel.writeInbound(ByteBuffer(string: "GET /2 HTTP/1.1\r\nHo"))
        #expect(recorder.headStarts == 1)
        #expect(recorder.parts.count == 2)
        try channel.writeInbound(ByteBuffer(string: "st: a\r\n\r\n"))
        #expect(recorder.headStarts == 1)
        #expect(recorder.summary.suffix(2) == ["HEAD GET /2", "END"])
        #expect(recorder.errors.isEmpty)
        _ = try channel.finish()
    }

    @Test func methodsAndVersions() throws {
        let (channel, recorder) = try self.makeChannel()
        try channel.writeInbound(
            ByteBuffer(
                string:
                    "HEAD / HTTP/1.1\r\nHost: a\r\n\r\nPROPFIND /x HTTP/1.0\r\n\r\nPURGE-ALL / HTTP/1.1\r\nHost: a\r\n\r\n"
            )
        )
        let heads = recorder.parts.compactMap { part -> HTTPRequestHead? in
            if case .head(let head) = part { return head }
            return nil
        }
        #expect(heads.map(\.method) == [.HEAD, .PROPFIND, .RAW(value: "PURGE-ALL")])
        #expect(heads.map(\.version) == [.http1_1, .http1_0, .http1_1])
        #expect(heads[1].isKeepAlive == false)
        _ = try channel.finish()
    }

    @Test(arguments: [1, 3, 1000])
    func bodiesArriveWithoutFramingInAnySplit(step: Int) throws {
        let (channel, recorder) = try self.makeChannel()
        let text =
            "POST /a HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello"
            + "POST /b HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "3;ext=\"x y\"\r\n wo\r\nA\r\nrld, again\r\n0\r\nX-Check: 1\r\nX-More:  two \r\n\r\n"
            + "POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1\r\n!\r\n0\r\n\r\n"
        let bytes = Array(text.utf8)
        var index = 0
        while index < bytes.count {
            let end = min(bytes.count, index + step)
            try channel.writeInbound(ByteBuffer(bytes: bytes[index..<end]))
            index = end
        }
        #expect(recorder.errors.isEmpty)
        #expect(recorder.body == "hello wo" + "rld, again" + "!")
        let outline = recorder.summary.filter { !$0.hasPrefix("BODY") }
        #expect(
            outline == [
                "HEAD POST /a", "END", "HEAD POST /b", "END X-Check=1,X-More=two", "HEAD POST /c", "END",
            ]
        )
        _ = try channel.finish()
    }

    @Test func stopsAtTheBadRequestAfterDeliveringTheOnesBeforeIt() throws {
        let (channel, recorder) = try self.makeChannel()
        try channel.writeInbound(
            ByteBuffer(
                string: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nokGET / HTTP/1.1\r\nX : b\r\n\r\n"
            )
        )
        #expect(recorder.summary == ["HEAD POST /", "BODY ok", "END"])
        #expect(recorder.errors.map(\.status) == [.badRequest])
        try channel.writeInbound(ByteBuffer(string: "GET / HTTP/1.1\r\nHost: a\r\n\r\n"))
        #expect(recorder.parts.count == 3)
        _ = try channel.finish()
    }

    @Test func headerTimeoutRaises408() throws {
        let (channel, recorder) = try self.makeChannel(headerTimeout: .seconds(5))
        try channel.writeInbound(ByteBuffer(string: "GET / HTTP/1.1\r\nHo"))
        channel.embeddedEventLoop.advanceTime(by: .seconds(4))
        #expect(recorder.errors.isEmpty)
        channel.embeddedEventLoop.advanceTime(by: .seconds(2))
        #expect(recorder.errors.map(\.status) == [.requestTimeout])
        // Nothing after the timeout is decoded.
        try channel.writeInbound(ByteBuffer(string: "st: a\r\n\r\n"))
        #expect(recorder.parts.isEmpty)
        _ = try? channel.finish()
    }

    @Test func completedHeadCancelsTheHeaderTimer() throws {
        let (channel, recorder) = try self.makeChannel(headerTimeout: .seconds(5))
        try channel.writeInbound(ByteBuffer(string: "GET / HTTP/1.1\r\nHost: a\r\n\r\n"))
        channel.embeddedEventLoop.advanceTime(by: .seconds(60))
        #expect(recorder.errors.isEmpty)
        _ = try? channel.finish()
    }

    static let upgradeRequest = "GET /ws HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n"

    @Test func bytesAfterAnUpgradeRequestAreHeldAndGoToTheTunnel() throws {
        let (channel, recorder) = try self.makeChannel()
        try channel.writeInbound(ByteBuffer(string: Self.upgradeRequest + "frame-1"))
        try channel.writeInbound(ByteBuffer(string: "frame-2"))
        #expect(recorder.summary == ["HEAD GET /ws", "END"])
        let decoder = try channel.pipeline.syncOperations.handler(type: RequestDecodingHandler.self)
        #expect(decoder.isAwaitingUpgradeOutcome)
        #expect(decoder.upgradeAccepted().map { String(buffer: $0) } == "frame-1frame-2")
        _ = try channel.finish()
    }

    @Test func aRefusedUpgradeDecodesWhatWasHeld() throws {
        let (channel, recorder) = try self.makeChannel()
        try channel.writeInbound(ByteBuffer(string: Self.upgradeRequest + "GET /next HTTP/1.1\r\nHost: a\r\n\r\n"))
        #expect(recorder.summary == ["HEAD GET /ws", "END"])
        let decoder = try channel.pipeline.syncOperations.handler(type: RequestDecodingHandler.self)
        decoder.upgradeRefused()
        #expect(recorder.summary == ["HEAD GET /ws", "END", "HEAD GET /next", "END"])
        #expect(!decoder.isAwaitingUpgradeOutcome)
        _ = try channel.finish()
    }

    @Test func aRefusalFromInsideADeliveryKeepsTheOrder() throws {
        // The next handler may answer an upgrade request at once (the gate blocks it) and so call
        // back into the decoder while the request's own parts are being delivered.
        let (channel, recorder) = try self.makeChannel()
        let decoder = try channel.pipeline.syncOperations.handler(type: RequestDecodingHandler.self)
        recorder.onPart = { part in
            if case .end = part, decoder.isAwaitingUpgradeOutcome { decoder.upgradeRefused() }
        }
        try channel.writeInbound(
            ByteBuffer(string: Self.upgradeRequest + Self.upgradeRequest + "GET /last HTTP/1.1\r\nHost: a\r\n\r\n")
        )
        #expect(recorder.summary == ["HEAD GET /ws", "END", "HEAD GET /ws", "END", "HEAD GET /last", "END"])
        #expect(recorder.errors.isEmpty)
        _ = try channel.finish()
    }

    @Test func tooMuchDataBeforeTheUpgradeAnswerIsRefused() throws {
        let (channel, recorder) = try self.makeChannel()
        try channel.writeInbound(ByteBuffer(string: Self.upgradeRequest))
        try channel.writeInbound(ByteBuffer(repeating: UInt8(ascii: "x"), count: 200_000))
        #expect(recorder.errors.map(\.status) == [.badRequest])
        _ = try? channel.finish()
    }
}
