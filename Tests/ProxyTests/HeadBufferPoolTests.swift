import NIOCore
import Testing

@testable import Proxy

@Suite("An event loop's spare head buffers")
struct HeadBufferPoolTests {
    private let allocator = ByteBufferAllocator()

    private func storage(_ buffer: ByteBuffer) -> UnsafeRawPointer? {
        buffer.withVeryUnsafeBytes { UnsafeRawPointer($0.baseAddress) }
    }

    @Test func aHeadHandedBackIsTheNextHeadsMemoryAndStartsEmpty() {
        let pool = HeadBufferPool()
        var head = pool.take(capacity: 300, allocator: self.allocator)
        #expect(head.capacity >= 300)
        head.writeString("GET / HTTP/1.1\r\nHost: acme.s20.online\r\n\r\n")
        let memory = self.storage(head)
        pool.giveBack(head)
        head = ByteBuffer()  // the channel has written it and let it go
        let next = pool.take(capacity: 200, allocator: self.allocator)
        #expect(self.storage(next) == memory)
        #expect(next.readableBytes == 0)
        #expect(pool.count == 0)
    }

    @Test func aSpareTheChannelStillHoldsIsNeverWrittenInto() {
        let pool = HeadBufferPool()
        var head = pool.take(capacity: 64, allocator: self.allocator)
        head.writeString("HTTP/1.1 200 OK\r\n\r\n")
        let pendingWrite = head  // a write not yet on the socket
        pool.giveBack(head)
        var next = pool.take(capacity: 64, allocator: self.allocator)
        next.writeString("HTTP/1.1 404 Not Found\r\n\r\n")
        #expect(self.storage(next) != self.storage(pendingWrite))
        #expect(String(buffer: pendingWrite) == "HTTP/1.1 200 OK\r\n\r\n")
        #expect(String(buffer: next) == "HTTP/1.1 404 Not Found\r\n\r\n")
    }

    @Test func aSpareTooSmallForTheHeadIsDroppedForANewBuffer() {
        let pool = HeadBufferPool()
        pool.giveBack(self.allocator.buffer(capacity: 64))
        let head = pool.take(capacity: 4096, allocator: self.allocator)
        #expect(head.capacity >= 4096)
        #expect(pool.count == 0)
    }

    @Test func theLoopKeepsAFewSmallSparesNotEveryBuffer() {
        let pool = HeadBufferPool(maxSpares: 2, maxCapacity: 1024)
        pool.giveBack(self.allocator.buffer(capacity: 2048))
        #expect(pool.count == 0)
        for _ in 0..<3 { pool.giveBack(self.allocator.buffer(capacity: 512)) }
        #expect(pool.count == 2)
    }
}
