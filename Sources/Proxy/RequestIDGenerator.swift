/// Request IDs (`X-Request-Id`): 32 lower-case hex digits, like nginx's `$request_id`. One
/// generator per event loop (no lock), seeded from the system's random source and stepped with
/// wyrand: an ID costs a few multiplications, not a `getrandom` call.
struct RequestIDGenerator {
    private var state: UInt64

    init(seed: UInt64 = UInt64.random(in: .min ... .max)) {
        self.state = seed
    }

    private mutating func next64() -> UInt64 {
        self.state &+= 0xa076_1d64_78bd_642f
        let product = self.state.multipliedFullWidth(by: self.state ^ 0xe703_7ed1_a0b4_28db)
        return product.high ^ product.low
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    mutating func next() -> String {
        let high = self.next64()
        let low = self.next64()
        return String(unsafeUninitializedCapacity: 32) { buffer in
            for index in 0..<16 {
                buffer[index] = Self.hexDigits[Int((high >> (60 - 4 * UInt64(index))) & 0xF)]
                buffer[16 + index] = Self.hexDigits[Int((low >> (60 - 4 * UInt64(index))) & 0xF)]
            }
            return 32
        }
    }

    /// Whether a trusted proxy's `X-Request-Id` may be kept: 1–200 visible ASCII characters
    /// (anything else could break a log line or a header).
    static func isAcceptable(_ value: String) -> Bool {
        let utf8 = value.utf8
        return !utf8.isEmpty && utf8.count <= 200 && utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F }
    }
}
