/// Why a value could not be decoded; `PostgresRow` turns it into a `PostgresError` naming the column.
struct PostgresDecodingFailure: Error {
    let reason: String

    static func typeMismatch(_ swiftType: Any.Type, _ dataType: PostgresDataType) -> Self {
        Self(reason: "cannot decode a value of type \(dataType) as \(swiftType)")
    }

    static func malformed(_ dataType: PostgresDataType, length: Int) -> Self {
        Self(reason: "malformed binary \(dataType) value of \(length) bytes")
    }
}
