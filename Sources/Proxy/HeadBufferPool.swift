import NIOCore

/// One event loop's spare buffers for the heads the gateway writes: the request head it sends
/// upstream and the response head (with a small body) it sends the client. A buffer is handed
/// back once written — the response's right after its write, the request's when its exchange
/// ends — so the loop's next request writes into the same memory instead of allocating a
/// buffer's storage object and bytes for each head and freeing both again. A spare that the
/// channel still holds unwritten is not written into: taking it gives new storage, as a fresh
/// buffer would (``NIOCore/ByteBuffer/clear()`` copies on write). Only the loop's connections
/// touch it, so it needs no lock.
final class HeadBufferPool {
    /// At most this many spares, each of at most ``maxCapacity`` bytes: a few buffers per loop,
    /// not one per connection, so idle connections hold none.
    let maxSpares: Int
    let maxCapacity: Int
    private var spares: [ByteBuffer] = []

    init(maxSpares: Int = 16, maxCapacity: Int = 16 * 1024) {
        self.maxSpares = maxSpares
        self.maxCapacity = maxCapacity
        self.spares.reserveCapacity(maxSpares)
    }

    /// The number of spares held.
    var count: Int { self.spares.count }

    /// An empty buffer of at least `capacity` bytes: the last spare handed back when it is large
    /// enough (a smaller one is dropped), else a new buffer.
    func take(capacity: Int, allocator: ByteBufferAllocator) -> ByteBuffer {
        if var spare = self.spares.popLast(), spare.capacity >= capacity {
            spare.clear()
            return spare
        }
        return allocator.buffer(capacity: capacity)
    }

    /// Keeps `buffer` for a later ``take(capacity:allocator:)`` unless the pool is full or the
    /// buffer is larger than a spare may be.
    func giveBack(_ buffer: ByteBuffer) {
        guard self.spares.count < self.maxSpares, buffer.capacity <= self.maxCapacity else { return }
        self.spares.append(buffer)
    }
}
