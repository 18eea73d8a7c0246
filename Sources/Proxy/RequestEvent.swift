import HTTPHead
import NIOCore
import NIOHTTP1

/// What the client side decoded for the exchange: a head with its body framing, a piece of body,
/// the end, or a refusal of what it read. Events that arrive while an earlier exchange runs
/// (HTTP/1.1 pipelining) wait in the ``ExchangeStateMachine``.
enum RequestEvent {
    /// A head with its body framing (the parser's, or read from the fields of an HTTP/2 head).
    case head(RequestHead, MessageFraming)
    case body(ByteBuffer)
    case end(HTTPHeaders?)
    case rejection(RequestRejection)
}
