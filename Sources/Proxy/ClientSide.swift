import NIOCore

/// The client end of an exchange — an HTTP/1.1 connection or one HTTP/2 stream — as
/// ``ClientExchange`` uses it: the exchange's rules talk to this, never to a channel, so one set
/// of rules serves a connection's pipeline and, later, HTTP/2 streams kept without a channel each.
protocol ClientSide: AnyObject {
    var eventLoop: any EventLoop { get }
    var allocator: ByteBufferAllocator { get }
    /// Whether the client takes more response bytes now (its socket, or its stream's window).
    var isWritable: Bool { get }
    /// Response bytes in HTTP/1.1's wire form, sent at the next flush.
    func write(bytes: ByteBuffer)
    /// A response part for an HTTP/2 stream, sent at the next flush.
    func write(streamPart: HTTP2ResponsePart)
    func flush()
    /// More request bytes, please (the exchange asked only when its rules allow it).
    func read()
    func close()
    /// Closes so that the client sees an error, not an end: a TCP reset on a connection of its
    /// own (what the client has read stays read), `RST_STREAM` on a stream (as ``close()``). For a
    /// response delimited by the close, whose end is otherwise all the client has to go on.
    func abort()
    /// Closes once everything written so far has left, so a slow reader still gets the whole
    /// last response.
    func closeAfterWrites()
    /// Closes after the client took nothing of what was written for the send timeout (its
    /// idle time): the same as ``close()`` on a connection of its own.
    func closeAfterSendTimeout()
    /// Turns the connection into a byte tunnel to `upstream` (WebSocket, HTTP/1.1 only).
    /// `early` is what the client sent after its upgrade request.
    func spliceTunnel(to upstream: UpstreamConnection, early: ByteBuffer?, idleTimeout: TimeAmount) throws
}
