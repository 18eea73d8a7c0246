import HTTPHead
import NIOCore
import NIOHTTP1

/// What one exchange of a client connection carries from its head to its end. Reset as a whole
/// when the exchange ends (``ExchangeData/init()``), so no field of one request outlives it.
struct ExchangeData {
    /// The request's head as the client sent it (the Gate may have rewritten its target).
    var clientHead: RequestHead?
    /// The head to send upstream, as bytes (kept for a retry on a fresh connection).
    var upstreamHead: ByteBuffer?
    /// Body parts received before an upstream connection was ready, kept until the head is written
    /// (for a retry on a fresh connection).
    var bufferedBody: [ByteBuffer] = []
    /// The bytes of `bufferedBody` (a held body stops being held past ``RequestLimits/maxHeldBodyBytes``).
    var bufferedBodyBytes = 0
    /// The upstream group the request goes to, and the server of the current try (a retry avoids it).
    var upstreamGroup = 0
    var upstreamServer: Int?
    /// The current try's connection was an idle pooled one: its closing before any response is
    /// the keep-alive race, not counted against the server.
    var upstreamReused = false
    /// The request asked for a WebSocket upgrade the gateway will pass on.
    var webSocket = false
    var requestTrailers: HTTPHeaders?
    /// How the request's body is framed (upstream as received).
    var requestFraming: MessageFraming = .none
    /// How the response to the client is framed (trailers only with chunked).
    var responseFraming: MessageFraming = .none
    /// The head of a small fixed-length response, held until its body is appended: head and
    /// body leave in one buffer (one pipeline write, one `write` instead of a two-part `writev`).
    var heldResponse: ByteBuffer?
}
