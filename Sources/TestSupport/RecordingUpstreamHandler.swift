import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1

/// The per-connection handler of ``RecordingUpstream``.
final class RecordingUpstreamHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let connectionIndex: Int
    private let record: NIOLockedValueBox<RecordingUpstream.Record>
    private let behavior: @Sendable (HTTPRequestHead) -> UpstreamBehavior
    private var current: Int?
    private var currentBehavior: UpstreamBehavior = .silent
    private var checksum = BodyChecksum()
    private var keepAlive = true
    private var streamRemaining = 0
    private var streamOffset = 0
    private var streaming = false

    init(
        connectionIndex: Int,
        record: NIOLockedValueBox<RecordingUpstream.Record>,
        behavior: @escaping @Sendable (HTTPRequestHead) -> UpstreamBehavior
    ) {
        self.connectionIndex = connectionIndex
        self.record = record
        self.behavior = behavior
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch Self.unwrapInboundIn(data) {
        case .head(let head):
            self.keepAlive = head.isKeepAlive
            self.checksum = BodyChecksum()
            self.currentBehavior = self.behavior(head)
            let connectionIndex = self.connectionIndex
            self.current = self.record.withLockedValue { state in
                state.requests.append(
                    RecordedRequest(
                        head: head,
                        bodyPrefix: [],
                        bodyCount: 0,
                        bodyChecksum: 0,
                        complete: false,
                        connectionIndex: connectionIndex
                    )
                )
                return state.requests.count - 1
            }
            if case .closeImmediately = self.currentBehavior {
                context.close(promise: nil)
            } else if case .answerAtHead(let bytes) = self.currentBehavior {
                self.writeRaw(context: context, ByteBuffer(bytes: bytes))
            } else if case .stopReadingAfterHead = self.currentBehavior {
                context.channel.setOption(ChannelOptions.autoRead, value: false).whenComplete { _ in }
            } else if head.headers[canonicalForm: "expect"].contains(where: { $0.lowercased() == "100-continue" }) {
                context.writeAndFlush(
                    Self.wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .continue))),
                    promise: nil
                )
            }
        case .body(let buffer):
            buffer.withUnsafeReadableBytes { self.checksum.update($0) }
            guard let index = self.current else { return }
            let checksum = self.checksum
            self.record.withLockedValue { state in
                if state.requests[index].bodyPrefix.count < 1024 * 1024 {
                    state.requests[index].bodyPrefix.append(contentsOf: buffer.readableBytesView.prefix(1024 * 1024))
                }
                state.requests[index].bodyCount = checksum.count
                state.requests[index].bodyChecksum = checksum.value
            }
        case .end(let trailers):
            if let index = self.current {
                let checksum = self.checksum
                self.record.withLockedValue { state in
                    state.requests[index].complete = true
                    state.requests[index].trailers = trailers
                    state.requests[index].bodyCount = checksum.count
                    state.requests[index].bodyChecksum = checksum.value
                }
            }
            self.answer(context: context)
        }
    }

    private func answer(context: ChannelHandlerContext) {
        switch self.currentBehavior {
        case .respond(let status, let headers, let body):
            self.respond(context: context, status: status, headers: headers, body: body)
        case .delayed(let delay, let status, let body):
            let loopBoundContext = context.loopBound
            context.eventLoop.assumeIsolated().scheduleTask(in: delay) {
                self.respond(context: loopBoundContext.value, status: status, headers: HTTPHeaders(), body: body)
            }
        case .summarize:
            self.respond(
                context: context,
                status: .ok,
                headers: HTTPHeaders(),
                body: "received=\(self.checksum.count) checksum=\(self.checksum.value)"
            )
        case .stream(let bytes, let chunked):
            var headers = HTTPHeaders()
            if chunked {
                headers.add(name: "Transfer-Encoding", value: "chunked")
            } else {
                headers.add(name: "Content-Length", value: String(bytes))
            }
            context.write(
                Self.wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))),
                promise: nil
            )
            self.streamRemaining = bytes
            self.streamOffset = 0
            self.streaming = true
            self.pump(context: context)
        case .dieMidResponse(let contentLength, let sendBytes):
            var headers = HTTPHeaders()
            headers.add(name: "Content-Length", value: String(contentLength))
            context.write(
                Self.wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))),
                promise: nil
            )
            context.write(
                Self.wrapOutboundOut(.body(.byteBuffer(ByteBuffer(repeating: UInt8(ascii: "x"), count: sendBytes)))),
                promise: nil
            )
            let loopBoundContext = context.loopBound
            context.flush()
            context.eventLoop.assumeIsolated().scheduleTask(in: .milliseconds(50)) {
                loopBoundContext.value.close(promise: nil)
            }
        case .headThenBody(let body, let delay):
            var headers = HTTPHeaders()
            headers.add(name: "Content-Length", value: String(body.utf8.count))
            context.writeAndFlush(
                Self.wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))),
                promise: nil
            )
            let loopBoundContext = context.loopBound
            context.eventLoop.assumeIsolated().scheduleTask(in: delay) {
                let context = loopBoundContext.value
                context.write(Self.wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: body)))), promise: nil)
                context.writeAndFlush(Self.wrapOutboundOut(.end(nil)), promise: nil)
            }
        case .trickle(let parts, let interval):
            var headers = HTTPHeaders()
            headers.add(name: "Transfer-Encoding", value: "chunked")
            context.writeAndFlush(
                Self.wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))),
                promise: nil
            )
            self.trickle(context: context, part: 0, of: parts, every: interval)
        case .raw(let text):
            self.writeRaw(context: context, ByteBuffer(string: text))
            let loopBoundContext = context.loopBound
            context.eventLoop.assumeIsolated().scheduleTask(in: .milliseconds(50)) {
                loopBoundContext.value.close(promise: nil)
            }
        case .rawBytes(let bytes):
            self.writeRaw(context: context, ByteBuffer(bytes: bytes))
        case .webSocketEcho:
            let accept = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"
            self.writeRaw(context: context, ByteBuffer(string: accept))
            let pipeline = context.pipeline.syncOperations
            do {
                try pipeline.addHandler(EchoHandler())
                if let encoder = try? pipeline.context(handlerType: HTTPResponseEncoder.self) {
                    pipeline.removeHandler(context: encoder, promise: nil)
                }
                if let decoder = try? pipeline.context(handlerType: ByteToMessageHandler<HTTPRequestDecoder>.self) {
                    pipeline.removeHandler(context: decoder, promise: nil)
                }
                if let pipelining = try? pipeline.context(handlerType: HTTPServerPipelineHandler.self) {
                    pipeline.removeHandler(context: pipelining, promise: nil)
                }
                if let errors = try? pipeline.context(handlerType: HTTPServerProtocolErrorHandler.self) {
                    pipeline.removeHandler(context: errors, promise: nil)
                }
                if let validator = try? pipeline.context(handlerType: NIOHTTPResponseHeadersValidator.self) {
                    pipeline.removeHandler(context: validator, promise: nil)
                }
                pipeline.removeHandler(context: context, promise: nil)
            } catch {
                context.close(promise: nil)
            }
        case .silent, .closeImmediately, .stopReadingAfterHead, .answerAtHead:
            break
        }
    }

    private func trickle(context: ChannelHandlerContext, part: Int, of parts: Int, every interval: TimeAmount) {
        let loopBoundContext = context.loopBound
        context.eventLoop.assumeIsolated().scheduleTask(in: interval) {
            let context = loopBoundContext.value
            guard context.channel.isActive else { return }
            if part == parts {
                context.writeAndFlush(Self.wrapOutboundOut(.end(nil)), promise: nil)
                return
            }
            context.writeAndFlush(
                Self.wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: "part\(part)")))),
                promise: nil
            )
            self.trickle(context: context, part: part + 1, of: parts, every: interval)
        }
    }

    private func writeRaw(context: ChannelHandlerContext, _ buffer: ByteBuffer) {
        if let encoder = try? context.pipeline.syncOperations.context(handlerType: HTTPResponseEncoder.self) {
            encoder.writeAndFlush(NIOAny(buffer), promise: nil)
        }
    }

    private func respond(context: ChannelHandlerContext, status: HTTPResponseStatus, headers: HTTPHeaders, body: String)
    {
        var headers = headers
        if !headers.contains(name: "content-length") && !headers.contains(name: "transfer-encoding") {
            headers.add(name: "Content-Length", value: String(body.utf8.count))
        }
        if !self.keepAlive { headers.replaceOrAdd(name: "Connection", value: "close") }
        context.write(
            Self.wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))),
            promise: nil
        )
        if !body.isEmpty {
            context.write(Self.wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: body)))), promise: nil)
        }
        context.writeAndFlush(Self.wrapOutboundOut(.end(nil)), promise: nil)
    }

    private func pump(context: ChannelHandlerContext) {
        while self.streaming && context.channel.isWritable {
            if self.streamRemaining == 0 {
                self.streaming = false
                context.writeAndFlush(Self.wrapOutboundOut(.end(nil)), promise: nil)
                return
            }
            let length = min(64 * 1024, self.streamRemaining)
            var buffer = context.channel.allocator.buffer(capacity: length)
            let offset = self.streamOffset
            buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: length) { pointer in
                for index in 0..<length { pointer[index] = BodyChecksum.patternByte(at: offset + index) }
                return length
            }
            self.streamOffset += length
            self.streamRemaining -= length
            self.record.withLockedValue { $0.streamedBytes += length }
            context.writeAndFlush(Self.wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if self.streaming { self.pump(context: context) }
        context.fireChannelWritabilityChanged()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }
}
