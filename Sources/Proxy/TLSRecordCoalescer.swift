import NIOCore

/// Gathers the writes made between two flushes into one buffer before they reach the TLS handler,
/// which seals every write it is given as a TLS record of its own. The HTTP/2 handler writes a
/// response as three or more buffers — the HEADERS frame, a DATA frame's 9-byte header, its
/// payload — so a 1 KiB answer left the gateway as three records: three encryptions, three record
/// headers, three passes through the pipeline. Gathered, it is one, as nginx sends it (its
/// `ssl_buffer_size` is 16k).
///
/// At most `limit` bytes are gathered (16 KiB, a TLS record's largest payload): a write that
/// would pass it sends what is gathered first, and a write of `limit` bytes or more goes on
/// alone, uncopied. The promises of gathered writes complete with the write that carries them.
final class TLSRecordCoalescer: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    static let defaultLimit = 16_384

    private let limit: Int
    private var gathered: ByteBuffer?
    /// Whether `gathered` is a buffer of our own (bytes copied in) or still a writer's buffer.
    private var gatheredIsOwn = false
    private var promise: EventLoopPromise<Void>?

    init(limit: Int = TLSRecordCoalescer.defaultLimit) {
        self.limit = limit
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        var buffer = Self.unwrapOutboundIn(data)
        if let gathered = self.gathered, gathered.readableBytes + buffer.readableBytes > self.limit {
            self.sendGathered(context: context)
        }
        if buffer.readableBytes >= self.limit {
            context.write(data, promise: promise)
            return
        }
        self.collect(promise)
        guard var gathered = self.gathered else {
            // The first write is kept as it is: a lone write is passed on without a copy.
            self.gathered = buffer
            self.gatheredIsOwn = false
            return
        }
        if !self.gatheredIsOwn {
            // Room for a small response's remaining parts too, so that they append without growing it.
            let needed = gathered.readableBytes + buffer.readableBytes
            var own = context.channel.allocator.buffer(capacity: min(self.limit, max(needed, 4_096)))
            own.writeBuffer(&gathered)
            gathered = own
            self.gatheredIsOwn = true
        }
        // Drop the stored copy first, so the append does not copy the storage it writes into.
        self.gathered = nil
        gathered.writeBuffer(&buffer)
        self.gathered = gathered
    }

    func flush(context: ChannelHandlerContext) {
        self.sendGathered(context: context)
        context.flush()
    }

    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        // What was written before the close goes down first, where the close settles it.
        self.sendGathered(context: context)
        context.close(mode: mode, promise: promise)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.sendGathered(context: context)
    }

    private func collect(_ promise: EventLoopPromise<Void>?) {
        guard let promise else { return }
        if let earlier = self.promise {
            earlier.futureResult.cascade(to: promise)
        } else {
            self.promise = promise
        }
    }

    private func sendGathered(context: ChannelHandlerContext) {
        guard let gathered = self.gathered else { return }
        let promise = self.promise
        self.gathered = nil
        self.gatheredIsOwn = false
        self.promise = nil
        context.write(Self.wrapOutboundOut(gathered), promise: promise)
    }
}
