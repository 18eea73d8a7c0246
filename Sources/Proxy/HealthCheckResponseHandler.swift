import NIOCore

/// Reads an active health check's response up to its status line and reports the status code;
/// nothing else of the response is read.
final class HealthCheckResponseHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    private let promise: EventLoopPromise<Int>
    private var received = ByteBuffer()
    /// A status line longer than this is not HTTP.
    private static let maxStatusLine = 1024

    init(promise: EventLoopPromise<Int>) {
        self.promise = promise
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = Self.unwrapInboundIn(data)
        self.received.writeBuffer(&buffer)
        let bytes = self.received.readableBytesView
        guard let end = bytes.firstIndex(of: UInt8(ascii: "\n")) else {
            if bytes.count > Self.maxStatusLine {
                self.finish(context, .failure(Failure(description: "no status line")))
            }
            return
        }
        // "HTTP/1.1 200 OK": the three digits after the first space.
        let line = bytes[bytes.startIndex..<end]
        guard line.starts(with: Array("HTTP/1.".utf8)), let space = line.firstIndex(of: UInt8(ascii: " ")) else {
            self.finish(context, .failure(Failure(description: "not an HTTP response")))
            return
        }
        let digits = line[(space + 1)...].prefix(3)
        guard digits.count == 3, digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
            let status = Int(String(decoding: digits, as: UTF8.self))
        else {
            self.finish(context, .failure(Failure(description: "no status code")))
            return
        }
        self.finish(context, .success(status))
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.promise.fail(Failure(description: "closed before a status line"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        self.finish(context, .failure(error))
    }

    private func finish(_ context: ChannelHandlerContext, _ result: Result<Int, Error>) {
        self.promise.completeWith(result)
        context.close(promise: nil)
    }
}
