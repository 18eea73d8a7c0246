/// Reads big-endian integers from PostgreSQL's binary wire format.
struct BinaryReader {
    private var bytes: ArraySlice<UInt8>
    private let dataType: PostgresDataType

    init(bytes: ArraySlice<UInt8>, dataType: PostgresDataType) {
        self.bytes = bytes
        self.dataType = dataType
    }

    mutating func read<T: FixedWidthInteger>(_ type: T.Type) throws -> T {
        let chunk = try take(MemoryLayout<T>.size)
        return T(bigEndian: chunk.withUnsafeBytes { $0.loadUnaligned(as: T.self) })
    }

    mutating func take(_ count: Int) throws -> ArraySlice<UInt8> {
        guard count >= 0, bytes.count >= count else {
            throw PostgresDecodingFailure.malformed(dataType, length: bytes.count)
        }
        let chunk = bytes.prefix(count)
        bytes = bytes.dropFirst(count)
        return chunk
    }

    /// Decodes a value that must be exactly one integer of `T`'s width.
    static func integer<T: FixedWidthInteger>(
        _ type: T.Type,
        _ bytes: ArraySlice<UInt8>,
        _ dataType: PostgresDataType
    ) throws -> T {
        guard bytes.count == MemoryLayout<T>.size else {
            throw PostgresDecodingFailure.malformed(dataType, length: bytes.count)
        }
        var reader = BinaryReader(bytes: bytes, dataType: dataType)
        return try reader.read(type)
    }
}
