import NIOCore
import NIOHPACK

/// What an exchange writes to its HTTP/2 stream (``HTTP2StreamSide``): the response already
/// in HTTP/2's terms, so the stream turns parts into frames without writing and reading an
/// HTTP/1.1 head in between.
enum HTTP2ResponsePart {
    /// A header block; `informational` for a 1xx interim response (more heads follow).
    case head(HPACKHeaders, informational: Bool)
    case body(ByteBuffer)
    /// The response ends, with a trailer block or none.
    case end(trailers: HPACKHeaders?)
}
