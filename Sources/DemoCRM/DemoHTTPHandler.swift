import NIOCore
import NIOHTTP1

/// Collects one request (head, body, end), asks the router for the response and writes it.
///
/// Bodies of any size are accepted: every byte is counted, the first `DemoRequest.bodyLimit` bytes are kept
/// (for the echo endpoint), the rest is dropped, so a large upload does not grow memory.
final class DemoHTTPHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let router: DemoRouter
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []
    private var bodyLength = 0

    init(router: DemoRouter) {
        self.router = router
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch self.unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            self.body = []
            self.bodyLength = 0
        case .body(let buffer):
            self.bodyLength += buffer.readableBytes
            let room = DemoRequest.bodyLimit - self.body.count
            if room > 0 {
                self.body.append(contentsOf: buffer.readableBytesView.prefix(room))
            }
        case .end:
            guard let head = self.head else { return }
            self.head = nil
            let request = DemoRequest(head: head, body: self.body, bodyLength: self.bodyLength)
            self.body = []
            let response = self.router.respond(to: request)
            self.write(response, for: head, context: context)
        }
    }

    private func write(_ response: DemoResponse, for request: HTTPRequestHead, context: ChannelHandlerContext) {
        var headers = HTTPHeaders(response.headers)
        headers.replaceOrAdd(name: "Content-Length", value: String(response.body.count))
        headers.replaceOrAdd(name: "Server", value: "freezegate-demo-crm")
        let keepAlive = request.isKeepAlive
        if !keepAlive {
            headers.replaceOrAdd(name: "Connection", value: "close")
        } else if request.version == .http1_0 {
            headers.replaceOrAdd(name: "Connection", value: "keep-alive")
        }
        let head = HTTPResponseHead(version: request.version, status: response.status, headers: headers)
        context.write(self.wrapOutboundOut(.head(head)), promise: nil)
        if request.method != .HEAD && !response.body.isEmpty {
            var buffer = context.channel.allocator.buffer(capacity: response.body.count)
            buffer.writeBytes(response.body)
            context.write(self.wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        }
        let written = context.writeAndFlush(self.wrapOutboundOut(.end(nil)))
        if !keepAlive {
            let channel = context.channel
            written.whenComplete { _ in channel.close(promise: nil) }
        }
    }
}
