import NIOCore
import NIOEmbedded
import Testing

@testable import Proxy

/// The closer follows frame boundaries through whatever writes the HTTP/2 handler makes: whole
/// frames, frames split anywhere (a header across two writes, a GOAWAY's error code across two),
/// several frames in one write.
@Suite("HTTP/2 connection error closer")
struct HTTP2ConnectionErrorCloserTests {
    static let data = HTTP2FrameBytes.frame(.data, stream: 1, Array(repeating: 0x7, count: 300))
    static let headers = HTTP2FrameBytes.headers(stream: 1, block: [0x88], flags: HTTP2FrameBytes.endHeaders)
    static func goAway(error: UInt32) -> [UInt8] {
        HTTP2FrameBytes.frame(.goAway, HTTP2FrameBytes.uint32(1) + HTTP2FrameBytes.uint32(error) + Array("why".utf8))
    }

    /// Writes `bytes` cut at `cuts` (offsets) and tells whether the channel closed.
    func closes(_ bytes: [UInt8], cutAt cuts: [Int]) throws -> Bool {
        let channel = EmbeddedChannel(handler: HTTP2ConnectionErrorCloser())
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        var start = 0
        for end in cuts.filter({ $0 > 0 && $0 < bytes.count }).sorted() + [bytes.count] where end > start {
            try channel.writeOutbound(ByteBuffer(bytes: bytes[start..<end]))
            start = end
        }
        channel.embeddedEventLoop.run()
        let closed = !channel.isActive
        if !closed { _ = try channel.finish() }
        return closed
    }

    @Test func anErrorGoAwayClosesTheConnectionHoweverTheWritesSplitTheFrames() throws {
        let bytes = Self.headers + Self.data + Self.goAway(error: 0x1)
        let goAwayStart = Self.headers.count + Self.data.count
        #expect(try self.closes(bytes, cutAt: []))
        // Every single cut: inside a header, inside a payload, inside the GOAWAY's error code.
        for cut in 1..<bytes.count {
            #expect(try self.closes(bytes, cutAt: [cut]), "cut at \(cut)")
        }
        #expect(try self.closes(bytes, cutAt: Array(1..<bytes.count)))
        #expect(try self.closes(bytes, cutAt: [goAwayStart + 4, goAwayStart + 9 + 6]))
    }

    @Test func framesWithoutAnErrorGoAwayLeaveTheConnectionOpen() throws {
        let bytes = Self.headers + Self.data + Self.goAway(error: 0x0) + Self.data
        #expect(try !self.closes(bytes, cutAt: []))
        for cut in stride(from: 1, to: bytes.count, by: 3) {
            #expect(try !self.closes(bytes, cutAt: [cut]), "cut at \(cut)")
        }
        #expect(try !self.closes(bytes, cutAt: Array(1..<bytes.count)))
        // A DATA payload that looks like a GOAWAY frame is payload, not a frame.
        let disguised = HTTP2FrameBytes.frame(.data, stream: 1, Self.goAway(error: 0x2))
        #expect(try !self.closes(disguised, cutAt: []))
        #expect(try !self.closes(disguised, cutAt: [5, 12]))
    }
}
