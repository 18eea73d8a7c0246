import HTTPHead
import NIOCore
import NIOHTTP1

/// A decoded piece of a request as the client side passes it to the exchange: NIO's `HTTPPart`
/// with the gateway's head, whose fields stay bytes (``RequestHead``).
typealias RequestPart = HTTPPart<RequestHead, ByteBuffer>
