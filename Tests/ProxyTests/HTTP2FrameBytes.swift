import NIOCore
import NIOHPACK

/// HTTP/2 frames as bytes (RFC 9113 §4.1), for sequences no client library writes: a header
/// block split over as many CONTINUATION frames as wanted, SETTINGS and PING by the thousand,
/// streams past the advertised limit.
enum HTTP2FrameBytes {
    static let preface = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)

    enum Kind: UInt8 {
        case data = 0x0
        case headers = 0x1
        case rstStream = 0x3
        case settings = 0x4
        case ping = 0x6
        case goAway = 0x7
        case windowUpdate = 0x8
        case continuation = 0x9
    }

    static let endStream: UInt8 = 0x1
    static let ack: UInt8 = 0x1
    static let endHeaders: UInt8 = 0x4

    static func frame(_ kind: Kind, flags: UInt8 = 0, stream: UInt32 = 0, _ payload: [UInt8] = []) -> [UInt8] {
        let length = payload.count
        return [
            UInt8(truncatingIfNeeded: length >> 16), UInt8(truncatingIfNeeded: length >> 8),
            UInt8(truncatingIfNeeded: length), kind.rawValue, flags,
        ] + Self.uint32(stream & 0x7FFF_FFFF) + payload
    }

    static func settings(_ values: [(UInt16, UInt32)] = []) -> [UInt8] {
        Self.frame(.settings, values.flatMap { [UInt8($0.0 >> 8), UInt8($0.0 & 0xFF)] + Self.uint32($0.1) })
    }

    static let settingsAck = Self.frame(.settings, flags: Self.ack)

    static func ping(_ value: UInt64) -> [UInt8] {
        Self.frame(.ping, (0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * (7 - $0))) })
    }

    static func headers(stream: UInt32, block: [UInt8], flags: UInt8) -> [UInt8] {
        Self.frame(.headers, flags: flags, stream: stream, block)
    }

    static func continuation(stream: UInt32, block: [UInt8], endHeaders: Bool) -> [UInt8] {
        Self.frame(.continuation, flags: endHeaders ? Self.endHeaders : 0, stream: stream, block)
    }

    /// The HPACK block of `fields`. A fresh encoder per block refers only to table entries the
    /// same block adds, so the server's decoder, which keeps its table, reads every block alike.
    static func block(_ fields: [(String, String)], huffman: Bool = true) throws -> [UInt8] {
        var encoder = HPACKEncoder(allocator: ByteBufferAllocator(), useHuffmanEncoding: huffman)
        var buffer = ByteBuffer()
        try encoder.encode(headers: HPACKHeaders(fields), to: &buffer)
        return Array(buffer.readableBytesView)
    }

    static func uint32(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }
}
