import NIOCore
import NIOHTTP1

/// Answers the admin endpoints: `/healthz`, `/readyz`, `/metrics`. Every answer carries an
/// `X-Request-Id`, as every answer of the client listeners does.
final class AdminHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let readiness: @Sendable () -> Bool
    private let metrics: @Sendable () -> String
    private var head: HTTPRequestHead?
    private var requestIDs = RequestIDGenerator()

    init(readiness: @escaping @Sendable () -> Bool, metrics: @escaping @Sendable () -> String) {
        self.readiness = readiness
        self.metrics = metrics
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch Self.unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
        case .body:
            break
        case .end:
            guard let head = self.head else { return }
            self.head = nil
            let (status, contentType, body) = self.answer(head)
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: contentType)
            headers.add(name: "Content-Length", value: String(body.utf8.count))
            headers.add(name: "Cache-Control", value: "no-store")
            headers.add(name: "X-Request-Id", value: self.requestIDs.next())
            if !head.isKeepAlive { headers.add(name: "Connection", value: "close") }
            context.write(
                Self.wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))),
                promise: nil
            )
            if head.method != .HEAD {
                context.write(Self.wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: body)))), promise: nil)
            }
            let written = context.writeAndFlush(Self.wrapOutboundOut(.end(nil)))
            if !head.isKeepAlive {
                let loopBoundContext = context.loopBound
                written.whenComplete { _ in loopBoundContext.value.close(promise: nil) }
            }
        }
    }

    func answer(_ head: HTTPRequestHead) -> (HTTPResponseStatus, String, String) {
        guard head.method == .GET || head.method == .HEAD else {
            return (.methodNotAllowed, "text/plain; charset=utf-8", "method not allowed\n")
        }
        let path = head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        switch path {
        case "/healthz":
            return (.ok, "text/plain; charset=utf-8", "ok\n")
        case "/readyz":
            return self.readiness()
                ? (.ok, "text/plain; charset=utf-8", "ready\n")
                : (.serviceUnavailable, "text/plain; charset=utf-8", "not ready\n")
        case "/metrics":
            return (.ok, "text/plain; version=0.0.4; charset=utf-8", self.metrics())
        default:
            return (.notFound, "text/plain; charset=utf-8", "not found\n")
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }
}
