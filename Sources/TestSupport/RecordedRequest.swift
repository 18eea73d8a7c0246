import NIOCore
import NIOHTTP1

/// What a ``RecordingUpstream`` received for one request.
public struct RecordedRequest: Sendable {
    public var head: HTTPRequestHead
    /// The first bytes of the body (up to 1 MiB), for content assertions.
    public var bodyPrefix: [UInt8]
    /// Every body byte counted.
    public var bodyCount: Int
    /// FNV-1a over the whole body, to compare large bodies without keeping them.
    public var bodyChecksum: UInt64
    /// The request's end arrived.
    public var complete: Bool
    /// Trailer fields that came with the end, if any.
    public var trailers: HTTPHeaders? = nil
    /// Which upstream connection carried it (0-based, in accept order).
    public var connectionIndex: Int

    public var bodyString: String { String(decoding: self.bodyPrefix, as: UTF8.self) }
}
