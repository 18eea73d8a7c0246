import HTTPHead
import NIOCore
import NIOHPACK
import NIOHTTP1

/// The request side of one HTTP/2 stream as a value: HEADERS and DATA in, the request parts an
/// exchange takes out, or the refusal or stream error the frames call for. The head is
/// translated by ``HTTP2RequestTranslator`` (what HTTP/1.1 could read differently is refused with
/// a ``RequestRejection``, answered 400 without forwarding a byte); DATA that contradicts
/// `content-length`, and trailers that do not end the stream or follow a short body, are a stream
/// error (RFC 9113 §8.1.1, §5.4.2): nothing more of the request goes anywhere.
struct HTTP2StreamRequestReader {
    /// What the frame asks of the stream's exchange, in order.
    enum Action: Equatable {
        case ignore
        /// The part (a head, or a non-empty body slice), then the request's end when `thenEnd`.
        case deliver(RequestPart, thenEnd: Bool)
        /// The request's end, with its trailers if any.
        case end(HTTPHeaders?)
        /// The head is refused: the exchange answers with the rejection's status.
        case refuse(RequestRejection)
        /// A stream error: the stream is reset and nothing more is forwarded.
        case reset(reason: String)
    }

    private enum State {
        case awaitingHead
        case body(declaredLength: UInt64?, received: UInt64)
        case ended
        case refused
    }

    /// The gateway's configured head limits (field count → 431, target length → 414), the same
    /// an HTTP/1.1 head gets.
    private let limits: RequestLimits
    private var state = State.awaitingHead

    init(limits: RequestLimits) {
        self.limits = limits
    }

    mutating func headersReceived(_ headers: HPACKHeaders, endStream: Bool) -> Action {
        switch self.state {
        case .awaitingHead:
            switch HTTP2RequestTranslator.requestHead(headers, endStream: endStream, limits: self.limits) {
            case .success(let head):
                let declared = head.fields.firstIndex(of: "content-length").flatMap {
                    UInt64(head.fields.valueText(at: $0))
                }
                self.state = endStream ? .ended : .body(declaredLength: declared, received: 0)
                return .deliver(.head(head), thenEnd: endStream)
            case .failure(let rejection):
                self.state = .refused
                return .refuse(rejection)
            }
        case .body(let declared, let received):
            // Trailers: they must end the stream and the body must have its declared length.
            guard endStream, declared == nil || declared == received else {
                self.state = .refused
                return .reset(reason: "trailers without END_STREAM or short body")
            }
            switch HTTP2RequestTranslator.trailers(headers) {
            case .success(let trailers):
                self.state = .ended
                return .end(trailers.isEmpty ? nil : trailers)
            case .failure:
                self.state = .refused
                return .reset(reason: "invalid trailers")
            }
        case .ended, .refused:
            return .ignore
        }
    }

    mutating func dataReceived(_ buffer: ByteBuffer, endStream: Bool) -> Action {
        guard case .body(let declared, let received) = self.state else { return .ignore }
        let total = received + UInt64(buffer.readableBytes)
        if let declared, total > declared || (endStream && total != declared) {
            self.state = .refused
            return .reset(reason: "DATA contradicts content-length")
        }
        self.state = endStream ? .ended : .body(declaredLength: declared, received: total)
        if buffer.readableBytes > 0 { return .deliver(.body(buffer), thenEnd: endStream) }
        return endStream ? .end(nil) : .ignore
    }
}
