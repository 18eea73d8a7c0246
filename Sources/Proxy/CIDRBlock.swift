import NIOCore

/// An IPv4 or IPv6 network (`10.0.0.0/8`, `::1/128`) naming a trusted proxy whose
/// `Forwarded`/`X-Forwarded-*` headers are kept and extended instead of replaced.
public struct CIDRBlock: Sendable, Hashable, CustomStringConvertible {
    public let networkBytes: [UInt8]
    public let prefixLength: Int

    /// Parses `ADDRESS[/PREFIX]`; returns nil when either part is invalid.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let addressText = parts.first, !addressText.isEmpty,
            let bytes = Self.addressBytes(String(addressText))
        else { return nil }
        let maxPrefix = bytes.count * 8
        var prefix = maxPrefix
        if parts.count == 2 {
            guard let parsed = Int(parts[1]), parsed >= 0, parsed <= maxPrefix,
                parts[1].allSatisfy({ $0.isASCII && $0.isNumber })
            else { return nil }
            prefix = parsed
        }
        self.prefixLength = prefix
        self.networkBytes = Self.masked(bytes, prefix: prefix)
    }

    public var description: String {
        let address: String
        if self.networkBytes.count == 4 {
            address = self.networkBytes.map(String.init).joined(separator: ".")
        } else {
            address = stride(from: 0, to: 16, by: 2).map {
                String(UInt16(self.networkBytes[$0]) << 8 | UInt16(self.networkBytes[$0 + 1]), radix: 16)
            }.joined(separator: ":")
        }
        return "\(address)/\(self.prefixLength)"
    }

    /// Whether `address` (an IP socket address) lies in this network.
    public func contains(_ address: SocketAddress) -> Bool {
        guard let ip = address.ipAddress, let bytes = Self.addressBytes(ip) else { return false }
        var candidate = bytes
        if candidate.count == 16 && self.networkBytes.count == 4 {
            // IPv4-mapped IPv6 (::ffff:a.b.c.d).
            guard candidate[0..<10].allSatisfy({ $0 == 0 }), candidate[10] == 0xFF, candidate[11] == 0xFF else {
                return false
            }
            candidate = Array(candidate[12...])
        }
        guard candidate.count == self.networkBytes.count else { return false }
        return Self.masked(candidate, prefix: self.prefixLength) == self.networkBytes
    }

    static func masked(_ bytes: [UInt8], prefix: Int) -> [UInt8] {
        var result = bytes
        for index in 0..<result.count {
            let bitsInByte = max(0, min(8, prefix - index * 8))
            let mask: UInt8 = bitsInByte == 0 ? 0 : UInt8(truncatingIfNeeded: 0xFF << (8 - bitsInByte))
            result[index] &= mask
        }
        return result
    }

    static func addressBytes(_ text: String) -> [UInt8]? {
        guard let address = try? SocketAddress(ipAddress: text, port: 0) else { return nil }
        switch address {
        case .v4(let v4):
            return withUnsafeBytes(of: v4.address.sin_addr) { Array($0) }
        case .v6(let v6):
            return withUnsafeBytes(of: v6.address.sin6_addr) { Array($0) }
        case .unixDomainSocket:
            return nil
        }
    }
}
