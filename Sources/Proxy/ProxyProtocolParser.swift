import NIOCore

/// Reads a PROXY protocol header, v1 or v2 (HAProxy's proxy-protocol.txt), from the first bytes
/// of a connection, fed in whatever pieces they arrive in. No I/O: it takes bytes and says what
/// they are. It copies only bytes that belong to the header, at most 107 for v1 and 16 plus
/// ``maxV2PayloadLength`` for v2, and reports where in the last piece the data after the header
/// begins. A connection that does not start like either signature is rejected at its first
/// mismatching byte, without waiting for more.
struct ProxyProtocolParser {
    enum Outcome: Equatable {
        /// Everything fed so far is a valid beginning of a header.
        case needMoreBytes
        /// The header is complete; the bytes of the last piece from `remainderOffset` on follow
        /// it (a piece fed after this is all remainder: the offset is then 0).
        case header(ProxyProtocolHeader, remainderOffset: Int)
        /// Not a header we accept; the connection must be closed. Feeding more changes nothing.
        case invalid(String)
    }

    /// The longest v1 line the spec allows, CRLF included (`UNKNOWN` with two IPv6 addresses).
    static let v1MaxLength = 107
    /// `PROXY ` starts every v1 header.
    static let v1Signature: [UInt8] = Array("PROXY ".utf8)
    /// The v2 signature: bytes no HTTP or TLS client sends first.
    static let v2Signature: [UInt8] = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A]
    /// Signature, version/command, family/protocol and the 2-byte length.
    static let v2FixedLength = 16
    /// The largest v2 payload (addresses and TLVs) accepted by default: every real balancer's
    /// TLVs fit easily, and a client cannot make us hold more than this before being refused.
    static let defaultMaxV2PayloadLength = 4096

    private enum State {
        case reading
        case parsed(ProxyProtocolHeader)
        case failed(String)
    }

    /// The v2 length field's upper bound; a header announcing more is invalid at once.
    let maxV2PayloadLength: Int
    private var state = State.reading
    /// The header's bytes so far.
    private var bytes: [UInt8] = []

    init(maxV2PayloadLength: Int = Self.defaultMaxV2PayloadLength) {
        self.maxV2PayloadLength = min(max(0, maxV2PayloadLength), Int(UInt16.max))
        self.bytes.reserveCapacity(Self.v1MaxLength)
    }

    mutating func feed(_ buffer: ByteBuffer) -> Outcome {
        buffer.withUnsafeReadableBytes { self.feed($0) }
    }

    mutating func feed(_ input: UnsafeRawBufferPointer) -> Outcome {
        switch self.state {
        case .parsed(let header): return .header(header, remainderOffset: 0)
        case .failed(let reason): return .invalid(reason)
        case .reading: break
        }
        var offset = 0
        while offset < input.count {
            let taken = min(self.bytesWanted, input.count - offset)
            self.bytes.append(contentsOf: input[offset..<(offset + taken)])
            offset += taken
            switch self.examine() {
            case .needMoreBytes:
                continue
            case .header(let header, _):
                self.state = .parsed(header)
                self.bytes = []
                return .header(header, remainderOffset: offset)
            case .invalid(let reason):
                self.state = .failed(reason)
                self.bytes = []
                return .invalid(reason)
            }
        }
        return .needMoreBytes
    }

    /// How many bytes to take before looking again. v1 goes a byte at a time because only its
    /// LF says where it ends (and `PROXY UNKNOWN\r\n` is shorter than v2's fixed part); v2 takes
    /// its fixed part, then exactly the payload it announced.
    private var bytesWanted: Int {
        guard let first = self.bytes.first, first == Self.v2Signature[0] else { return 1 }
        if self.bytes.count < Self.v2FixedLength { return Self.v2FixedLength - self.bytes.count }
        return Self.v2FixedLength + self.v2PayloadLength - self.bytes.count
    }

    private var v2PayloadLength: Int { Int(self.bytes[14]) << 8 | Int(self.bytes[15]) }

    /// Checks the bytes so far (the newest ones especially); the header's remainder offset in
    /// the result is meaningless here, ``feed(_:)`` supplies it.
    private func examine() -> Outcome {
        guard let first = self.bytes.first else { return .needMoreBytes }
        if first == Self.v1Signature[0] { return self.examineV1() }
        if first == Self.v2Signature[0] { return self.examineV2() }
        return .invalid("not a PROXY protocol header")
    }

    // MARK: - Version 1

    private func examineV1() -> Outcome {
        let count = self.bytes.count
        let newest = self.bytes[count - 1]
        if count <= Self.v1Signature.count {
            return newest == Self.v1Signature[count - 1] ? .needMoreBytes : .invalid("not a PROXY protocol header")
        }
        let previous = self.bytes[count - 2]
        if previous == ASCII.cr {
            guard newest == ASCII.lf else { return .invalid("v1: CR not followed by LF") }
            return Self.parseV1Line(self.bytes[Self.v1Signature.count..<(count - 2)], length: count)
        }
        guard newest == ASCII.cr || (newest >= 0x20 && newest <= 0x7E) else {
            return .invalid("v1: byte 0x\(String(newest, radix: 16)) in the line")
        }
        if count >= Self.v1MaxLength { return .invalid("v1: no CRLF within \(Self.v1MaxLength) bytes") }
        return .needMoreBytes
    }

    /// `TCP4|TCP6 SRC DST SPORT DPORT` or `UNKNOWN[ anything]`, between `PROXY ` and CRLF.
    private static func parseV1Line(_ line: ArraySlice<UInt8>, length: Int) -> Outcome {
        let fields = line.split(separator: ASCII.space, omittingEmptySubsequences: false)
        let transport = fields.first.map { String(decoding: $0, as: UTF8.self) } ?? ""
        // The spec: with UNKNOWN the rest of the line is to be ignored.
        if transport == "UNKNOWN" {
            return .header(
                ProxyProtocolHeader(version: .v1, command: .proxy, source: nil, destination: nil, length: length),
                remainderOffset: 0
            )
        }
        let isIPv6: Bool
        switch transport {
        case "TCP4": isIPv6 = false
        case "TCP6": isIPv6 = true
        default: return .invalid("v1: unknown transport")
        }
        guard fields.count == 5 else { return .invalid("v1: \(transport) needs four fields after it, single-spaced") }
        guard let sourcePort = parseV1Port(fields[3]), let destinationPort = parseV1Port(fields[4]) else {
            return .invalid("v1: bad port")
        }
        let parseAddress = isIPv6 ? parseV1IPv6 : parseV1IPv4
        guard let source = parseAddress(fields[1], sourcePort),
            let destination = parseAddress(fields[2], destinationPort)
        else { return .invalid("v1: bad \(isIPv6 ? "IPv6" : "IPv4") address") }
        return .header(
            ProxyProtocolHeader(
                version: .v1,
                command: .proxy,
                source: source,
                destination: destination,
                length: length
            ),
            remainderOffset: 0
        )
    }

    /// Decimal 0–65535 without leading zeros (the spec forbids them: they could read as octal).
    private static func parseV1Port(_ text: ArraySlice<UInt8>) -> Int? {
        guard let value = parseDecimal(text, maxDigits: 5), value <= 65535 else { return nil }
        return value
    }

    /// Exactly four dot-separated decimals 0–255 without leading zeros.
    private static func parseV1IPv4(_ text: ArraySlice<UInt8>, port: Int) -> SocketAddress? {
        let parts = text.split(separator: ASCII.dot, omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var packed = ByteBuffer()
        for part in parts {
            guard let value = parseDecimal(part, maxDigits: 3), value <= 255 else { return nil }
            packed.writeInteger(UInt8(value))
        }
        return try? SocketAddress(packedIPAddress: packed, port: port)
    }

    /// RFC 4291 text (hex groups, one `::`, an embedded IPv4 tail allowed); no zone, no brackets.
    private static func parseV1IPv6(_ text: ArraySlice<UInt8>, port: Int) -> SocketAddress? {
        guard !text.isEmpty, text.count <= 45,
            text.allSatisfy({ isHexDigit($0) || $0 == ASCII.colon || $0 == ASCII.dot })
        else { return nil }
        guard let address = try? SocketAddress(ipAddress: String(decoding: text, as: UTF8.self), port: port),
            case .v6 = address
        else { return nil }
        return address
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        ASCII.isDigit(byte) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66)
    }

    /// 1 to `maxDigits` ASCII digits, and no leading zero unless the number is 0.
    private static func parseDecimal(_ text: ArraySlice<UInt8>, maxDigits: Int) -> Int? {
        guard let first = text.first, text.count <= maxDigits, text.allSatisfy(ASCII.isDigit) else { return nil }
        guard first != ASCII.zero || text.count == 1 else { return nil }
        return text.reduce(0) { $0 * 10 + Int($1 - ASCII.zero) }
    }

    // MARK: - Version 2

    private enum V2Family: UInt8 {
        case unspecified = 0
        case inet = 1
        case inet6 = 2
        case unix = 3

        /// The address block's size in a PROXY header of this family.
        var addressLength: Int {
            switch self {
            case .unspecified: return 0
            case .inet: return 12
            case .inet6: return 36
            case .unix: return 216
            }
        }
    }

    private enum V2Transport: UInt8 {
        case unspecified = 0
        case stream = 1
        case datagram = 2
    }

    /// Checks each fixed field as soon as its byte is here, so a bad header is refused without
    /// waiting for a payload it only announces.
    private func examineV2() -> Outcome {
        let count = self.bytes.count
        let signatureBytes = min(count, Self.v2Signature.count)
        guard self.bytes[0..<signatureBytes].elementsEqual(Self.v2Signature[0..<signatureBytes]) else {
            return .invalid("not a PROXY protocol header")
        }
        guard count > 12 else { return .needMoreBytes }
        let versionAndCommand = self.bytes[12]
        guard versionAndCommand >> 4 == 2 else { return .invalid("v2: unsupported version \(versionAndCommand >> 4)") }
        let commandBits = versionAndCommand & 0x0F
        guard commandBits <= 1 else { return .invalid("v2: unknown command \(commandBits)") }
        let command: ProxyProtocolHeader.Command = commandBits == 0 ? .local : .proxy
        guard count > 13 else { return .needMoreBytes }
        guard let family = V2Family(rawValue: self.bytes[13] >> 4) else { return .invalid("v2: unknown family") }
        guard let transport = V2Transport(rawValue: self.bytes[13] & 0x0F) else {
            return .invalid("v2: unknown transport")
        }
        guard count >= Self.v2FixedLength else { return .needMoreBytes }
        let payloadLength = self.v2PayloadLength
        guard payloadLength <= self.maxV2PayloadLength else {
            return .invalid("v2: length \(payloadLength) over \(self.maxV2PayloadLength)")
        }
        // LOCAL: the spec says to discard the whole block, family included, unread.
        guard command == .proxy else {
            return count == Self.v2FixedLength + payloadLength ? self.v2Header(.local) : .needMoreBytes
        }
        guard payloadLength >= family.addressLength else {
            return .invalid("v2: length \(payloadLength) too short for its addresses")
        }
        guard count == Self.v2FixedLength + payloadLength else { return .needMoreBytes }
        // A malformed TLV area means sender and receiver disagree about the layout, so the
        // addresses before it are suspect too. (UNSPEC's block is to be ignored: not checked.)
        if family != .unspecified, !Self.tlvsAreWellFormed(self.bytes[(Self.v2FixedLength + family.addressLength)...]) {
            return .invalid("v2: malformed TLV")
        }
        guard transport == .stream, family == .inet || family == .inet6 else { return self.v2Header(.proxy) }
        let addressBytes = family == .inet ? 4 : 16
        let addresses = self.bytes[Self.v2FixedLength...]
        let sourceStart = addresses.startIndex
        let destinationStart = sourceStart + addressBytes
        let portsStart = destinationStart + addressBytes
        let sourcePort = Int(addresses[portsStart]) << 8 | Int(addresses[portsStart + 1])
        let destinationPort = Int(addresses[portsStart + 2]) << 8 | Int(addresses[portsStart + 3])
        guard
            let source = try? SocketAddress(
                packedIPAddress: ByteBuffer(bytes: addresses[sourceStart..<destinationStart]),
                port: sourcePort
            ),
            let destination = try? SocketAddress(
                packedIPAddress: ByteBuffer(bytes: addresses[destinationStart..<portsStart]),
                port: destinationPort
            )
        else { return .invalid("v2: bad address") }
        return self.v2Header(.proxy, source: source, destination: destination)
    }

    private func v2Header(
        _ command: ProxyProtocolHeader.Command,
        source: SocketAddress? = nil,
        destination: SocketAddress? = nil
    ) -> Outcome {
        .header(
            ProxyProtocolHeader(
                version: .v2,
                command: command,
                source: source,
                destination: destination,
                length: self.bytes.count
            ),
            remainderOffset: 0
        )
    }

    /// Type (1 byte), length (2 bytes), value; each exactly fills what is left.
    private static func tlvsAreWellFormed(_ area: ArraySlice<UInt8>) -> Bool {
        var index = area.startIndex
        while index < area.endIndex {
            guard area.endIndex - index >= 3 else { return false }
            let valueLength = Int(area[index + 1]) << 8 | Int(area[index + 2])
            index += 3
            guard area.endIndex - index >= valueLength else { return false }
            index += valueLength
        }
        return true
    }
}
