import NIOConcurrencyHelpers
import NIOCore
import NIOEmbedded
import Testing

@testable import Proxy

/// The writes between two flushes reach the TLS handler as one buffer (one record), in order, up
/// to the limit; every writer's promise completes with the write that carried its bytes.
@Suite("TLS record coalescer")
struct TLSRecordCoalescerTests {
    func channel(limit: Int = TLSRecordCoalescer.defaultLimit) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel(handler: TLSRecordCoalescer(limit: limit))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        return channel
    }

    func written(_ channel: EmbeddedChannel) throws -> [[UInt8]] {
        var buffers: [[UInt8]] = []
        while let buffer = try channel.readOutbound(as: ByteBuffer.self) {
            buffers.append(Array(buffer.readableBytesView))
        }
        return buffers
    }

    @Test func theWritesOfOneFlushLeaveAsOneBufferAndEveryPromiseCompletes() throws {
        let channel = try self.channel()
        let parts: [[UInt8]] = [
            Array(repeating: 1, count: 40), Array(repeating: 2, count: 9), Array(repeating: 3, count: 1024),
        ]
        let completed = NIOLockedValueBox(0)
        for part in parts {
            channel.write(ByteBuffer(bytes: part)).whenSuccess { completed.withLockedValue { $0 += 1 } }
        }
        #expect(try self.written(channel).isEmpty)
        channel.flush()
        #expect(try self.written(channel) == [parts.flatMap { $0 }])
        #expect(completed.withLockedValue { $0 } == 3)
        // The next flush starts afresh.
        channel.write(ByteBuffer(bytes: [7]), promise: nil)
        channel.write(ByteBuffer(bytes: [8]), promise: nil)
        channel.flush()
        #expect(try self.written(channel) == [[7, 8]])
        #expect(try channel.finish().isClean)
    }

    @Test func aLoneWriteIsPassedOnWithoutACopy() throws {
        let channel = try self.channel()
        let buffer = ByteBuffer(bytes: Array(repeating: 5, count: 100))
        channel.write(buffer, promise: nil)
        channel.flush()
        let out = try #require(try channel.readOutbound(as: ByteBuffer.self))
        let sameStorage = buffer.withUnsafeReadableBytes { original in
            out.withUnsafeReadableBytes { $0.baseAddress == original.baseAddress }
        }
        #expect(sameStorage)
        #expect(try channel.finish().isClean)
    }

    @Test func nothingGrowsPastTheLimitAndLargeWritesGoAloneInOrder() throws {
        let channel = try self.channel(limit: 100)
        let a = Array(repeating: UInt8(1), count: 60)
        let b = Array(repeating: UInt8(2), count: 30)
        let c = Array(repeating: UInt8(3), count: 20)  // 60 + 30 + 20 > 100: starts a new buffer
        let big = Array(repeating: UInt8(4), count: 100)  // at the limit: alone, after what came before
        let d = Array(repeating: UInt8(5), count: 10)
        for part in [a, b, c, big, d] { channel.write(ByteBuffer(bytes: part), promise: nil) }
        channel.flush()
        #expect(try self.written(channel) == [a + b, c, big, d])
        #expect(try channel.finish().isClean)
    }

    /// Records, below the coalescer, what reaches the TLS handler: writes and the close, in order.
    final class OutboundRecorder: ChannelOutboundHandler {
        typealias OutboundIn = ByteBuffer
        var events: [String] = []

        func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
            self.events.append("write \(Self.unwrapOutboundIn(data).readableBytes)")
            context.write(data, promise: promise)
        }

        func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
            self.events.append("close")
            context.close(mode: mode, promise: promise)
        }
    }

    @Test func aCloseSendsTheGatheredWritesDownFirstSoTheCloseSettlesTheirPromises() throws {
        let recorder = OutboundRecorder()
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(recorder)
        try channel.pipeline.syncOperations.addHandler(TLSRecordCoalescer())
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        channel.write(ByteBuffer(bytes: [1, 2]), promise: nil)
        channel.write(ByteBuffer(bytes: [3]), promise: nil)
        #expect(recorder.events.isEmpty)
        try channel.close().wait()
        #expect(recorder.events == ["write 3", "close"])
    }
}
