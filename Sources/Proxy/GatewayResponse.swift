import NIOCore
import NIOHTTP1

/// A complete response the gateway writes itself instead of forwarding (blocked request, 400, 502…).
public struct GatewayResponse: Sendable {
    public var status: HTTPResponseStatus
    /// Headers to send; the proxy sets `Content-Length` (and `Connection: close` when closing).
    public var headers: HTTPHeaders
    public var body: ByteBuffer
    /// Close the client connection after this response (the request body is then not drained).
    public var closeConnection: Bool

    public init(
        status: HTTPResponseStatus,
        headers: HTTPHeaders = HTTPHeaders(),
        body: ByteBuffer = ByteBuffer(),
        closeConnection: Bool = false
    ) {
        self.status = status
        self.headers = headers
        self.body = body
        self.closeConnection = closeConnection
    }
}
