import NIOCore

/// Writes PROXY protocol headers for the tests, straight from the spec and independently of
/// ``ProxyProtocolParser``, so that the parser is checked against a second reading.
enum ProxyProtocolTestEncoder {
    /// An address as v2 carries it (4 or 16 packed bytes) with its port, and what it should
    /// decode to.
    struct Endpoint {
        var packed: [UInt8]
        var port: Int

        var socketAddress: SocketAddress {
            // The tests only build 4- and 16-byte endpoints.
            try! SocketAddress(packedIPAddress: ByteBuffer(bytes: self.packed), port: self.port)
        }

        /// The text v1 carries: NIO's (inet_ntop's) rendering.
        var text: String { self.socketAddress.ipAddress ?? "" }
    }

    static let v2Signature: [UInt8] = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A]

    /// `PROXY TCP4|TCP6 SRC DST SPORT DPORT\r\n`, TCP6 when the source is 16 bytes.
    static func v1(source: Endpoint, destination: Endpoint) -> [UInt8] {
        let transport = source.packed.count == 16 ? "TCP6" : "TCP4"
        return Array(
            "PROXY \(transport) \(source.text) \(destination.text) \(source.port) \(destination.port)\r\n".utf8
        )
    }

    /// A v2 header from its raw parts; `length` overrides the computed payload length.
    static func v2(
        versionAndCommand: UInt8 = 0x21,
        familyAndTransport: UInt8,
        addressBlock: [UInt8],
        tlvs: [(type: UInt8, value: [UInt8])] = [],
        length: Int? = nil
    ) -> [UInt8] {
        var payload = addressBlock
        for tlv in tlvs {
            payload.append(tlv.type)
            payload.append(contentsOf: Self.bigEndian16(tlv.value.count))
            payload.append(contentsOf: tlv.value)
        }
        return Self.v2Signature + [versionAndCommand, familyAndTransport]
            + Self.bigEndian16(length ?? payload.count) + payload
    }

    /// A v2 PROXY header for a TCP connection: family AF_INET or AF_INET6 by the source's size.
    static func v2TCP(source: Endpoint, destination: Endpoint, tlvs: [(type: UInt8, value: [UInt8])] = []) -> [UInt8] {
        Self.v2(
            familyAndTransport: source.packed.count == 16 ? 0x21 : 0x11,
            addressBlock: source.packed + destination.packed + Self.bigEndian16(source.port)
                + Self.bigEndian16(destination.port),
            tlvs: tlvs
        )
    }

    static func bigEndian16(_ value: Int) -> [UInt8] {
        [UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value)]
    }
}
