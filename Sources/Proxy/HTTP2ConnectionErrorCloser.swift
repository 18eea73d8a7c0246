import NIOCore

/// Closes an HTTP/2 connection once the HTTP/2 handler has written a GOAWAY with an error code:
/// after a connection error the endpoint must close the TCP connection (RFC 9113 §5.4.1). The
/// HTTP/2 handler writes that GOAWAY and reports the error, but leaves the close to its user, and
/// its errors cannot tell a connection error from a stream error by type. Without this, a client
/// that caused one (a header list past the limit, streams past the concurrency limit, an HPACK
/// error) kept its connection and its streams in flight until the idle timeout.
///
/// Sits below the HTTP/2 handler (and the ``TLSRecordCoalescer``, which gathers its writes) and
/// reads only the frame headers of the bytes it writes (the server writes nothing but frames);
/// payloads are skipped whole, except a GOAWAY's first 8 bytes.
/// GOAWAY NO_ERROR (idle close, graceful shutdown) is left alone.
final class HTTP2ConnectionErrorCloser: ChannelOutboundHandler {
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private static let frameHeaderLength = 9
    private static let goAwayType: UInt8 = 0x7

    private var header: [UInt8] = []
    private var payloadRemaining = 0
    /// The first 8 payload bytes of the GOAWAY being written (last stream ID, error code).
    private var goAwayPayload: [UInt8]?
    private var closing = false

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard !self.closing, self.scan(Self.unwrapOutboundIn(data)) else {
            context.write(data, promise: promise)
            return
        }
        // Close once the GOAWAY has left, so the client learns why — and not from inside the
        // write: the HTTP/2 handler reports the error only after writing and flushing its GOAWAY,
        // and a close from within that flush would leave the handlers behind it (the abuse
        // handler's log and metric) without the report.
        self.closing = true
        let written = promise ?? context.eventLoop.makePromise(of: Void.self)
        context.write(data, promise: written)
        written.futureResult.assumeIsolated().whenComplete { _ in
            context.eventLoop.assumeIsolated().execute { context.close(promise: nil) }
        }
    }

    /// Follows the frame boundaries through `buffer`; true when it completes a GOAWAY whose error
    /// code is not NO_ERROR.
    private func scan(_ buffer: ByteBuffer) -> Bool {
        let bytes = buffer.readableBytesView
        var index = bytes.startIndex
        var errorGoAway = false
        while index < bytes.endIndex {
            if self.payloadRemaining == 0, self.header.isEmpty, bytes.endIndex - index >= Self.frameHeaderLength {
                // The usual case, a whole frame header in this write: read it in place.
                self.payloadRemaining = Int(bytes[index]) << 16 | Int(bytes[index + 1]) << 8 | Int(bytes[index + 2])
                self.goAwayPayload = bytes[index + 3] == Self.goAwayType ? [] : nil
                index += Self.frameHeaderLength
                continue
            }
            if self.payloadRemaining > 0 {
                var take = min(self.payloadRemaining, bytes.endIndex - index)
                if var goAway = self.goAwayPayload, goAway.count < 8 {
                    take = min(take, 8 - goAway.count)
                    goAway.append(contentsOf: bytes[index..<(index + take)])
                    self.goAwayPayload = goAway
                    if goAway.count == 8 {
                        errorGoAway = errorGoAway || goAway[4..<8].contains { $0 != 0 }
                    }
                }
                index += take
                self.payloadRemaining -= take
                continue
            }
            self.header.append(bytes[index])
            index += 1
            if self.header.count == Self.frameHeaderLength {
                self.payloadRemaining = Int(self.header[0]) << 16 | Int(self.header[1]) << 8 | Int(self.header[2])
                self.goAwayPayload = self.header[3] == Self.goAwayType ? [] : nil
                self.header.removeAll(keepingCapacity: true)
            }
        }
        return errorGoAway
    }
}
