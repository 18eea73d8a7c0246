/// Size limits on request heads, checked on the raw bytes before NIO's decoder sees them.
public struct RequestLimits: Sendable, Hashable {
    /// Longest request line (without CRLF); longer → 414.
    public var maxRequestLineBytes: Int
    /// Largest header section (all field lines with their CRLFs); larger → 431.
    public var maxHeaderBytes: Int
    /// Most header field lines; more → 431.
    public var maxHeaderCount: Int
    /// Largest body the gateway reads and discards after answering a request itself; a larger
    /// (or chunked) body makes it close the connection instead.
    public var maxDrainBytes: Int
    /// Largest request body read in full before an upstream is chosen (a declared length up to
    /// it, or a chunked body — or an HTTP/2 stream's DATA of any declared length — until it
    /// outgrows it), like nginx's buffered request body: a body found malformed, or contradicting
    /// its declared length, is then refused with not a byte of its request sent upstream. A larger
    /// body streams from then on. 0 holds none.
    public var maxHeldBodyBytes: Int

    public init(
        maxRequestLineBytes: Int = 8 * 1024,
        maxHeaderBytes: Int = 64 * 1024,
        maxHeaderCount: Int = 100,
        maxDrainBytes: Int = 1024 * 1024,
        maxHeldBodyBytes: Int = 64 * 1024
    ) {
        self.maxRequestLineBytes = maxRequestLineBytes
        self.maxHeaderBytes = maxHeaderBytes
        self.maxHeaderCount = maxHeaderCount
        self.maxDrainBytes = maxDrainBytes
        self.maxHeldBodyBytes = maxHeldBodyBytes
    }
}
