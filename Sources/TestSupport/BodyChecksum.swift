/// FNV-1a, used by tests to compare bodies far larger than any buffer without keeping them.
public struct BodyChecksum: Sendable, Hashable {
    public private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325
    public private(set) var count = 0

    public init() {}

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        var hash = self.value
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        self.value = hash
        self.count += bytes.count
    }

    /// The deterministic byte at `offset` of a generated test body.
    public static func patternByte(at offset: Int) -> UInt8 {
        UInt8(truncatingIfNeeded: offset &* 31 &+ offset >> 11)
    }

    /// Checksum of the first `count` bytes of the generated pattern.
    public static func ofPattern(count: Int) -> BodyChecksum {
        var checksum = BodyChecksum()
        var offset = 0
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while offset < count {
            let length = min(chunk.count, count - offset)
            for index in 0..<length { chunk[index] = patternByte(at: offset + index) }
            chunk.withUnsafeBytes { checksum.update(UnsafeRawBufferPointer(rebasing: $0[0..<length])) }
            offset += length
        }
        return checksum
    }
}
