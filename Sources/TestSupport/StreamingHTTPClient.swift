import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix

/// An HTTP/1.1 client for tests moving bodies far larger than any buffer: it generates the
/// upload on the fly while the connection is writable and counts/checksums the download without
/// keeping it.
public enum StreamingHTTPClient {
    public struct Result: Sendable {
        public var head: HTTPResponseHead
        public var bodyCount: Int
        public var bodyChecksum: UInt64
        /// The first 64 KiB of the body.
        public var bodyPrefix: [UInt8]
        public var bodyText: String { String(decoding: self.bodyPrefix, as: UTF8.self) }
    }

    public struct IncompleteResponse: Error, Sendable {
        public var receivedHead: Bool
        public var bodyCount: Int
    }

    /// Sends `method path` with a generated body of `uploadBytes` (chunked or Content-Length) and
    /// returns the response; throws ``IncompleteResponse`` when the connection closes before its end.
    public static func request(
        to address: SocketAddress,
        group: any EventLoopGroup,
        method: HTTPMethod = .GET,
        path: String = "/",
        host: String = "app.s20.online",
        headers extraHeaders: [(String, String)] = [],
        uploadBytes: Int? = nil,
        chunked: Bool = false
    ) async throws -> Result {
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: host)
        for (name, value) in extraHeaders { headers.add(name: name, value: value) }
        if let uploadBytes {
            if chunked {
                headers.add(name: "Transfer-Encoding", value: "chunked")
            } else {
                headers.add(name: "Content-Length", value: String(uploadBytes))
            }
        }
        let head = HTTPRequestHead(version: .http1_1, method: method, uri: path, headers: headers)
        let promise = group.any().makePromise(of: Result.self)
        let channel = try await ClientBootstrap(group: group)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(
                        StreamingClientHandler(head: head, uploadBytes: uploadBytes, promise: promise)
                    )
                }
            }
            .connect(to: address).get()
        defer { channel.close(promise: nil) }
        return try await promise.futureResult.get()
    }
}

/// Drives one request of ``StreamingHTTPClient``.
final class StreamingClientHandler: ChannelDuplexHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundIn = HTTPClientRequestPart
    typealias OutboundOut = HTTPClientRequestPart

    private let head: HTTPRequestHead
    private let promise: EventLoopPromise<StreamingHTTPClient.Result>
    private var uploadRemaining: Int
    private var uploadOffset = 0
    private var uploading: Bool
    private var responseHead: HTTPResponseHead?
    private var checksum = BodyChecksum()
    private var prefix: [UInt8] = []

    init(head: HTTPRequestHead, uploadBytes: Int?, promise: EventLoopPromise<StreamingHTTPClient.Result>) {
        self.head = head
        self.uploadRemaining = uploadBytes ?? 0
        self.uploading = true
        self.promise = promise
    }

    func channelActive(context: ChannelHandlerContext) {
        context.write(Self.wrapOutboundOut(.head(self.head)), promise: nil)
        self.pump(context: context)
        context.fireChannelActive()
    }

    private func pump(context: ChannelHandlerContext) {
        while self.uploading && context.channel.isWritable {
            if self.uploadRemaining == 0 {
                self.uploading = false
                context.writeAndFlush(Self.wrapOutboundOut(.end(nil)), promise: nil)
                return
            }
            let length = min(64 * 1024, self.uploadRemaining)
            var buffer = context.channel.allocator.buffer(capacity: length)
            let offset = self.uploadOffset
            buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: length) { pointer in
                for index in 0..<length { pointer[index] = BodyChecksum.patternByte(at: offset + index) }
                return length
            }
            self.uploadOffset += length
            self.uploadRemaining -= length
            context.writeAndFlush(Self.wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        self.pump(context: context)
        context.fireChannelWritabilityChanged()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch Self.unwrapInboundIn(data) {
        case .head(let head):
            if (100..<200).contains(head.status.code) { return }
            self.responseHead = head
        case .body(let buffer):
            buffer.withUnsafeReadableBytes { self.checksum.update($0) }
            if self.prefix.count < 64 * 1024 {
                self.prefix.append(contentsOf: buffer.readableBytesView.prefix(64 * 1024 - self.prefix.count))
            }
        case .end:
            guard let head = self.responseHead else { return }
            self.promise.succeed(
                StreamingHTTPClient.Result(
                    head: head,
                    bodyCount: self.checksum.count,
                    bodyChecksum: self.checksum.value,
                    bodyPrefix: self.prefix
                )
            )
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.promise.fail(
            StreamingHTTPClient.IncompleteResponse(
                receivedHead: self.responseHead != nil,
                bodyCount: self.checksum.count
            )
        )
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        self.promise.fail(error)
        context.close(promise: nil)
    }
}
