import NIOCore
import NIOEmbedded
import NIOHTTP1
import Testing

@testable import Proxy

@Suite("Handlers on EmbeddedChannel")
struct HandlerEmbeddedTests {
    @Test func validationHandlerPassesValidBytesAndFlagsAnIncompleteHeadStart() throws {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(
            RequestValidationHandler(limits: RequestLimits(), headerTimeout: .seconds(10))
        )
        let recorder = EventRecorder()
        try channel.pipeline.syncOperations.addHandler(recorder)
        try channel.writeInbound(ByteBuffer(string: "GET / HTTP/1.1\r\nHost: a\r\n\r\n"))
        let passed = try channel.readInbound(as: ByteBuffer.self)
        #expect(passed.map { String(buffer: $0) } == "GET / HTTP/1.1\r\nHost: a\r\n\r\n")
        // A head complete in one read needs no head-start event: its arrival says it.
        #expect(recorder.headStarts == 0)
        try channel.writeInbound(ByteBuffer(string: "GET /2 HTTP/1.1\r\nHo"))
        #expect(recorder.headStarts == 1)
        try channel.writeInbound(ByteBuffer(string: "st: a\r\n\r\n"))
        #expect(recorder.headStarts == 1)
        #expect(recorder.errors.isEmpty)
        _ = try channel.finish()
    }

    @Test func validationHandlerStopsAtTheBadByteAndRaisesARejection() throws {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(
            RequestValidationHandler(limits: RequestLimits(), headerTimeout: .seconds(10))
        )
        let recorder = EventRecorder()
        try channel.pipeline.syncOperations.addHandler(recorder)
        try channel.writeInbound(ByteBuffer(string: "GET / HTTP/1.1\r\nHost: a\r\n\r\nGET / HTTP/1.1\r\nX : b\r\n\r\n"))
        var passed = ""
        while let buffer = try channel.readInbound(as: ByteBuffer.self) { passed += String(buffer: buffer) }
        #expect(passed.hasPrefix("GET / HTTP/1.1\r\nHost: a\r\n\r\n"))
        #expect(!passed.contains("X : b"))
        #expect(recorder.errors.map(\.status) == [.badRequest])
        try channel.writeInbound(ByteBuffer(string: "GET / HTTP/1.1\r\nHost: a\r\n\r\n"))
        #expect(try channel.readInbound(as: ByteBuffer.self) == nil)
        _ = try channel.finish()
    }

    @Test func headerTimeoutRaises408() throws {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(
            RequestValidationHandler(limits: RequestLimits(), headerTimeout: .seconds(5))
        )
        let recorder = EventRecorder()
        try channel.pipeline.syncOperations.addHandler(recorder)
        try channel.writeInbound(ByteBuffer(string: "GET / HTTP/1.1\r\nHo"))
        channel.embeddedEventLoop.advanceTime(by: .seconds(4))
        #expect(recorder.errors.isEmpty)
        channel.embeddedEventLoop.advanceTime(by: .seconds(2))
        #expect(recorder.errors.map(\.status) == [.requestTimeout])
        _ = try? channel.finish()
    }

    @Test func completedHeadCancelsTheHeaderTimer() throws {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(
            RequestValidationHandler(limits: RequestLimits(), headerTimeout: .seconds(5))
        )
        let recorder = EventRecorder()
        try channel.pipeline.syncOperations.addHandler(recorder)
        try channel.writeInbound(ByteBuffer(string: "GET / HTTP/1.1\r\nHost: a\r\n\r\n"))
        channel.embeddedEventLoop.advanceTime(by: .seconds(60))
        #expect(recorder.errors.isEmpty)
        _ = try? channel.finish()
    }

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
        guard case .body(.byteBuffer(let buffer)) = try channel.readOutbound(as: HTTPServerResponsePart.self) else {
            Issue.record("no body")
            return
        }
        #expect(String(buffer: buffer) == body)
        _ = try channel.finish()
    }
}

/// Records head-start events and rejections reaching the end of a pipeline.
final class EventRecorder: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    var headStarts = 0
    var errors: [RequestRejection] = []

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.fireChannelRead(data)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is RequestHeadStarted { self.headStarts += 1 }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        if let rejection = error as? RequestRejection { self.errors.append(rejection) }
    }
}

@Suite("RequestValidationHandler holds partial heads")
struct RequestValidationHandlerHoldingTests {
    @Test func headSplitAcrossReadsIsPassedOnOnlyWhenComplete() throws {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(
            RequestValidationHandler(limits: RequestLimits(), headerTimeout: .seconds(10))
        )
        try channel.writeInbound(ByteBuffer(string: "GET / HTTP/1.1\r\nHo"))
        #expect(try channel.readInbound(as: ByteBuffer.self) == nil)
        try channel.writeInbound(ByteBuffer(string: "st: a\r\n\r\nGET /2 HT"))
        var passed = ""
        while let buffer = try channel.readInbound(as: ByteBuffer.self) { passed += String(buffer: buffer) }
        #expect(passed == "GET / HTTP/1.1\r\nHost: a\r\n\r\n")
        try channel.writeInbound(ByteBuffer(string: "TP/1.1\r\nHost: b\r\n\r\n"))
        passed = ""
        while let buffer = try channel.readInbound(as: ByteBuffer.self) { passed += String(buffer: buffer) }
        #expect(passed == "GET /2 HTTP/1.1\r\nHost: b\r\n\r\n")
        _ = try channel.finish()
    }
}
