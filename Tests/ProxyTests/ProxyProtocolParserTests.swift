import NIOCore
import PropertyBased
import Testing

@testable import Proxy

/// What a sequence of pieces fed to one parser came to: the first outcome that was not
/// `needMoreBytes` (or that, if none), and every byte reported as following the header.
struct FedPieces {
    var outcome: ProxyProtocolParser.Outcome
    var remainder: [UInt8]

    var header: ProxyProtocolHeader? {
        if case .header(let header, _) = self.outcome { return header }
        return nil
    }

    var isInvalid: Bool {
        if case .invalid = self.outcome { return true }
        return false
    }

    init(_ pieces: [[UInt8]], maxV2PayloadLength: Int = ProxyProtocolParser.defaultMaxV2PayloadLength) {
        var parser = ProxyProtocolParser(maxV2PayloadLength: maxV2PayloadLength)
        self.outcome = .needMoreBytes
        self.remainder = []
        for piece in pieces {
            let outcome = piece.withUnsafeBytes { parser.feed($0) }
            if case .needMoreBytes = self.outcome { self.outcome = outcome }
            if case .header(_, let offset) = outcome { self.remainder += piece[offset...] }
        }
    }

    init(_ bytes: [UInt8]) { self.init([bytes]) }

    init(_ text: String) { self.init([Array(text.utf8)]) }
}

@Suite("ProxyProtocolParser")
struct ProxyProtocolParserTests {
    typealias Endpoint = ProxyProtocolTestEncoder.Endpoint

    static let request = Array("GET / HTTP/1.1\r\nHost: a\r\n\r\n".utf8)

    // MARK: - Version 1

    @Test func v1TCP4() throws {
        let line = "PROXY TCP4 192.0.2.1 198.51.100.2 56324 443\r\n"
        let fed = FedPieces(line)
        let header = try #require(fed.header)
        #expect(header.version == .v1 && header.command == .proxy)
        #expect(header.source == (try SocketAddress(ipAddress: "192.0.2.1", port: 56324)))
        #expect(header.destination == (try SocketAddress(ipAddress: "198.51.100.2", port: 443)))
        #expect(header.length == line.utf8.count)
        #expect(fed.remainder.isEmpty)
    }

    @Test func v1TCP6() throws {
        let line = "PROXY TCP6 2001:db8::1 ::ffff:10.0.0.1 0 65535\r\n"
        let header = try #require(FedPieces(line).header)
        #expect(header.source == (try SocketAddress(ipAddress: "2001:db8::1", port: 0)))
        #expect(header.destination == (try SocketAddress(ipAddress: "::ffff:10.0.0.1", port: 65535)))
        #expect(header.length == line.utf8.count)
        let full = "PROXY TCP6 2001:0DB8:0000:0000:0000:0000:0000:0001 FFFF:ffff:FFFF:ffff:FFFF:ffff:FFFF:ffff 1 2\r\n"
        let longest = try #require(FedPieces(full).header)
        #expect(longest.source == (try SocketAddress(ipAddress: "2001:db8::1", port: 1)))
    }

    @Test(arguments: [
        "PROXY UNKNOWN\r\n",
        "PROXY UNKNOWN 192.0.2.1 198.51.100.2 1 2\r\n",
        // The longest line the spec allows: 107 bytes.
        "PROXY UNKNOWN ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff 65535 65535\r\n",
    ])
    func v1Unknown(line: String) throws {
        let header = try #require(FedPieces(line).header)
        #expect(header.version == .v1 && header.command == .proxy)
        #expect(header.source == nil && header.destination == nil)
        #expect(header.length == line.utf8.count)
    }

    @Test(arguments: [
        // CRLF
        "PROXY TCP4 192.0.2.1 198.51.100.2 56324 443\n",
        "PROXY TCP4 192.0.2.1 198.51.100.2 56324 443\rX",
        "PROXY TCP4 192.0.2.1 198.51.100.2 56324 443\r\r\n",
        // Longer than 107 bytes.
        "PROXY UNKNOWN ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff 65535 655350\r\n",
        "PROXY " + String(repeating: "A", count: 200),
        // Addresses
        "PROXY TCP4 256.0.0.1 198.51.100.2 1 2\r\n",
        "PROXY TCP4 192.0.2 198.51.100.2 1 2\r\n",
        "PROXY TCP4 192.0.2.1.5 198.51.100.2 1 2\r\n",
        "PROXY TCP4 192.0.02.1 198.51.100.2 1 2\r\n",
        "PROXY TCP4 192.0..1 198.51.100.2 1 2\r\n",
        "PROXY TCP4 +192.0.2.1 198.51.100.2 1 2\r\n",
        "PROXY TCP4 2001:db8::1 198.51.100.2 1 2\r\n",
        "PROXY TCP6 192.0.2.1 2001:db8::2 1 2\r\n",
        "PROXY TCP6 2001:db8::1 2001:db8::2::3 1 2\r\n",
        "PROXY TCP6 fe80::1%eth0 2001:db8::2 1 2\r\n",
        "PROXY TCP6 [2001:db8::1] 2001:db8::2 1 2\r\n",
        "PROXY TCP4 localhost 198.51.100.2 1 2\r\n",
        // Ports
        "PROXY TCP4 192.0.2.1 198.51.100.2 65536 443\r\n",
        "PROXY TCP4 192.0.2.1 198.51.100.2 080 443\r\n",
        "PROXY TCP4 192.0.2.1 198.51.100.2 00 443\r\n",
        "PROXY TCP4 192.0.2.1 198.51.100.2 -1 443\r\n",
        "PROXY TCP4 192.0.2.1 198.51.100.2 +1 443\r\n",
        "PROXY TCP4 192.0.2.1 198.51.100.2 1a 443\r\n",
        "PROXY TCP4 192.0.2.1 198.51.100.2 100000 443\r\n",
        "PROXY TCP4 192.0.2.1 198.51.100.2 1 \r\n",
        // Spacing and fields
        "PROXY  TCP4 192.0.2.1 198.51.100.2 1 2\r\n",
        "PROXY TCP4  192.0.2.1 198.51.100.2 1 2\r\n",
        "PROXY TCP4 192.0.2.1  198.51.100.2 1 2\r\n",
        "PROXY TCP4 192.0.2.1 198.51.100.2 1 2 \r\n",
        "PROXY TCP4 192.0.2.1 198.51.100.2\t1 2\r\n",
        "PROXY TCP4 192.0.2.1 198.51.100.2 1\r\n",
        "PROXY TCP4 192.0.2.1 198.51.100.2 1 2 3\r\n",
        "PROXY TCP4\r\n",
        "PROXY \r\n",
        "PROXY TCP5 192.0.2.1 198.51.100.2 1 2\r\n",
        "PROXY tcp4 192.0.2.1 198.51.100.2 1 2\r\n",
        "PROXY UNKNOWNX\r\n",
        "proxy TCP4 192.0.2.1 198.51.100.2 1 2\r\n",
        "PROXY\r\n",
        "PROXY TCP4 192.0.2.1 198.51.100.2 1 2\u{00}\r\n",
    ])
    func v1Malformed(text: String) {
        let fed = FedPieces(text)
        #expect(fed.isInvalid, "\(fed.outcome)")
    }

    @Test func v1WithoutItsCRLFWaitsThenFailsAtTheLimit() {
        let line = Array("PROXY TCP4 192.0.2.1 198.51.100.2 56324 443".utf8)
        #expect(FedPieces(line).outcome == .needMoreBytes)
        #expect(FedPieces(line + [ASCII.cr]).outcome == .needMoreBytes)
        let padded = line + Array(repeating: UInt8(ascii: "1"), count: ProxyProtocolParser.v1MaxLength - line.count)
        #expect(FedPieces(Array(padded.dropLast())).outcome == .needMoreBytes)
        #expect(FedPieces(padded).isInvalid)
    }

    // MARK: - Version 2

    static let sourceV4 = Endpoint(packed: [192, 0, 2, 1], port: 56324)
    static let destinationV4 = Endpoint(packed: [198, 51, 100, 2], port: 443)
    static let sourceV6 = Endpoint(packed: [0x20, 0x01, 0x0D, 0xB8] + Array(repeating: 0, count: 11) + [1], port: 1)
    static let destinationV6 = Endpoint(packed: Array(repeating: 0xFF, count: 16), port: 65535)

    @Test func v2ProxyIPv4() throws {
        let bytes = ProxyProtocolTestEncoder.v2TCP(source: Self.sourceV4, destination: Self.destinationV4)
        let header = try #require(FedPieces(bytes).header)
        #expect(header.version == .v2 && header.command == .proxy)
        #expect(header.source == (try SocketAddress(ipAddress: "192.0.2.1", port: 56324)))
        #expect(header.destination == (try SocketAddress(ipAddress: "198.51.100.2", port: 443)))
        #expect(header.length == 28)
    }

    @Test func v2ProxyIPv6() throws {
        let bytes = ProxyProtocolTestEncoder.v2TCP(source: Self.sourceV6, destination: Self.destinationV6)
        let header = try #require(FedPieces(bytes).header)
        #expect(header.source == (try SocketAddress(ipAddress: "2001:db8::1", port: 1)))
        #expect(
            header.destination == (try SocketAddress(ipAddress: "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", port: 65535))
        )
        #expect(header.length == 52)
    }

    @Test func v2LocalCarriesNoAddressWhateverItsBlock() throws {
        let empty = ProxyProtocolTestEncoder.v2(versionAndCommand: 0x20, familyAndTransport: 0x00, addressBlock: [])
        let header = try #require(FedPieces(empty).header)
        #expect(header.command == .local && header.source == nil && header.destination == nil)
        #expect(header.length == 16)
        // A balancer's health check may still fill the block in: it is discarded unread.
        let filled = ProxyProtocolTestEncoder.v2(
            versionAndCommand: 0x20,
            familyAndTransport: 0x11,
            addressBlock: [1, 2, 3]
        )
        let local = try #require(FedPieces(filled).header)
        #expect(local.command == .local && local.source == nil && local.length == 19)
    }

    @Test(arguments: [
        // AF_UNIX stream and datagram: two 108-byte paths.
        (UInt8(0x31), Array(repeating: UInt8(0x2F), count: 216)),
        (UInt8(0x32), Array(repeating: UInt8(0x2F), count: 216)),
        // UDP over IPv4 and IPv6.
        (UInt8(0x12), Array(repeating: UInt8(1), count: 12)),
        (UInt8(0x22), Array(repeating: UInt8(1), count: 36)),
        // UNSPEC: the block is to be ignored.
        (UInt8(0x00), []),
        (UInt8(0x00), [9, 9, 9]),
        // AF_INET with an unspecified transport.
        (UInt8(0x10), Array(repeating: UInt8(1), count: 12)),
    ])
    func v2ProxyWithoutUsableAddresses(familyAndTransport: UInt8, block: [UInt8]) throws {
        let bytes = ProxyProtocolTestEncoder.v2(familyAndTransport: familyAndTransport, addressBlock: block)
        let header = try #require(FedPieces(bytes).header)
        #expect(header.command == .proxy && header.source == nil && header.destination == nil)
        #expect(header.length == bytes.count)
    }

    @Test func v2TLVsAreSkipped() throws {
        let tlvs: [(type: UInt8, value: [UInt8])] = [
            (0x01, Array("h2".utf8)),  // ALPN
            (0x04, Array(repeating: 0, count: 300)),  // NOOP padding
            (0xEA, [0x01] + Array("vpce-0123456789abcdef".utf8)),  // AWS VPC endpoint
            (0x05, []),  // an empty unique ID
        ]
        let bytes = ProxyProtocolTestEncoder.v2TCP(source: Self.sourceV6, destination: Self.destinationV6, tlvs: tlvs)
        let fed = FedPieces([bytes + Self.request])
        let header = try #require(fed.header)
        #expect(header.source == Self.sourceV6.socketAddress)
        #expect(header.destination == Self.destinationV6.socketAddress)
        #expect(header.length == bytes.count)
        #expect(fed.remainder == Self.request)
    }

    @Test func v2ValidatesTheFieldsOneByOne() {
        let valid = ProxyProtocolTestEncoder.v2TCP(source: Self.sourceV4, destination: Self.destinationV4)
        func variant(_ index: Int, _ byte: UInt8) -> [UInt8] {
            var bytes = valid
            bytes[index] = byte
            return bytes
        }
        var cases: [(String, [UInt8])] = (0..<12).map { ("signature byte \($0)", variant($0, valid[$0] ^ 0x40)) }
        cases += [
            ("version 1", variant(12, 0x11)),
            ("version 3", variant(12, 0x31)),
            ("version 0", variant(12, 0x01)),
            ("command 2", variant(12, 0x22)),
            ("command 15", variant(12, 0x2F)),
            ("family 4", variant(13, 0x41)),
            ("transport 3", variant(13, 0x13)),
            ("length short of IPv4", variant(15, 11)),
        ]
        for (name, bytes) in cases {
            #expect(FedPieces(bytes).isInvalid, "\(name)")
        }
    }

    @Test func v2ShortLengthsForTheirFamiliesAreInvalid() {
        for (family, needed) in [(UInt8(0x11), 12), (0x21, 36), (0x31, 216)] {
            let bytes = ProxyProtocolTestEncoder.v2(
                familyAndTransport: family,
                addressBlock: Array(repeating: 1, count: needed - 1)
            )
            #expect(FedPieces(bytes).isInvalid, "\(family)")
        }
    }

    @Test func v2MalformedTLVsAreInvalid() {
        let block = Self.sourceV4.packed + Self.destinationV4.packed + [0, 1, 0, 2]
        for tlvArea in [[0x01], [0x01, 0x00], [0x01, 0x00, 0x03, 0x61, 0x62], [0x04, 0x00, 0x00, 0x01]] as [[UInt8]] {
            let bytes = ProxyProtocolTestEncoder.v2(familyAndTransport: 0x11, addressBlock: block + tlvArea)
            #expect(FedPieces(bytes).isInvalid, "\(tlvArea)")
        }
    }

    @Test func v2LengthOverTheLimitIsInvalidBeforeThePayload() {
        let fixedPart = { (length: Int) in
            Array(
                ProxyProtocolTestEncoder.v2(familyAndTransport: 0x11, addressBlock: [], length: length).prefix(16)
            )
        }
        #expect(FedPieces(fixedPart(4097)).isInvalid)
        #expect(FedPieces(fixedPart(65535)).isInvalid)
        #expect(FedPieces(fixedPart(4096)).outcome == .needMoreBytes)
        #expect(FedPieces([fixedPart(100)], maxV2PayloadLength: 64).isInvalid)
        // The limit itself is accepted.
        let largest = ProxyProtocolTestEncoder.v2TCP(
            source: Self.sourceV4,
            destination: Self.destinationV4,
            tlvs: [(0x04, Array(repeating: 0, count: 4096 - 12 - 3))]
        )
        #expect(FedPieces(largest).header?.length == 16 + 4096)
    }

    @Test func v2TruncatedWaitsForTheRest() {
        let bytes = ProxyProtocolTestEncoder.v2TCP(source: Self.sourceV6, destination: Self.destinationV6)
        for count in 0..<bytes.count {
            #expect(FedPieces(Array(bytes.prefix(count))).outcome == .needMoreBytes, "\(count)")
        }
    }

    // MARK: - Either version

    @Test func neitherSignatureIsRefusedAtTheFirstWrongByte() {
        // Each of these is invalid as soon as its last byte is seen; no more is waited for.
        let prefixes: [[UInt8]] = [
            Array("G".utf8),  // HTTP
            [0x16],  // a TLS handshake record
            [0x00],
            Array("PROXX".utf8),
            Array("PROXY_".utf8),
            [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0B],
            [0x0D, 0x0A, 0x0D, 0x0A, 0x47],
            [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A, 0x31],
        ]
        for prefix in prefixes {
            #expect(FedPieces(Array(prefix.dropLast())).outcome == .needMoreBytes, "\(prefix)")
            #expect(FedPieces(prefix).isInvalid, "\(prefix)")
            #expect(FedPieces(prefix + Self.request).isInvalid, "\(prefix)")
        }
        #expect(FedPieces(Self.request).isInvalid)
    }

    @Test func feedingAfterTheEndChangesNothing() throws {
        var parser = ProxyProtocolParser()
        let header = Array("PROXY UNKNOWN\r\nGET".utf8)
        guard case .header(let parsed, let offset) = header.withUnsafeBytes({ parser.feed($0) }) else {
            Issue.record("no header")
            return
        }
        #expect(offset == 15)
        #expect(
            ByteBuffer(string: "more").withUnsafeReadableBytes({ parser.feed($0) })
                == .header(parsed, remainderOffset: 0)
        )
        var failing = ProxyProtocolParser()
        #expect(failing.feed(ByteBuffer(string: "GET")) == .invalid("not a PROXY protocol header"))
        #expect(failing.feed(ByteBuffer(string: "PROXY UNKNOWN\r\n")) == .invalid("not a PROXY protocol header"))
    }

    // MARK: - Splits

    static let validHeaders: [[UInt8]] = [
        Array("PROXY TCP4 192.0.2.1 198.51.100.2 56324 443\r\n".utf8),
        Array("PROXY TCP6 2001:db8::1 2001:db8::2 1 65535\r\n".utf8),
        Array("PROXY UNKNOWN\r\n".utf8),
        ProxyProtocolTestEncoder.v2TCP(
            source: sourceV4,
            destination: destinationV4,
            tlvs: [(0x01, Array("http/1.1".utf8))]
        ),
        ProxyProtocolTestEncoder.v2TCP(source: sourceV6, destination: destinationV6),
        ProxyProtocolTestEncoder.v2(versionAndCommand: 0x20, familyAndTransport: 0x00, addressBlock: []),
    ]

    @Test(arguments: validHeaders)
    func everySplitGivesTheSameHeaderAndExactlyTheTrailingBytes(header: [UInt8]) throws {
        let expected = try #require(FedPieces(header).header)
        let stream = header + Self.request
        for first in 0...stream.count {
            for second in first...stream.count {
                let pieces = [Array(stream[..<first]), Array(stream[first..<second]), Array(stream[second...])]
                let fed = FedPieces(pieces)
                #expect(fed.header == expected, "\(first) \(second)")
                #expect(fed.remainder == Self.request, "\(first) \(second)")
            }
        }
        let byteByByte = FedPieces(stream.map { [$0] })
        #expect(byteByByte.header == expected)
        #expect(byteByByte.remainder == Self.request)
    }

    // MARK: - Round trips

    /// A random valid TCP header (v1 or v2, IPv4 or IPv6, v2 with random TLVs), random bytes
    /// after it, and the read sizes to deliver the whole in.
    static let randomConnection = Gen.int(in: 0...Int.max).map { seed in
        var random = SplitMix(seed: UInt64(truncatingIfNeeded: seed))
        let addressSize = random.next(in: 0...1) == 0 ? 4 : 16
        let endpoint = { (random: inout SplitMix) in
            let anyPort = random.next(in: 0...65535)
            return Endpoint(
                packed: (0..<addressSize).map { _ in UInt8(random.next(in: 0...255)) },
                port: random.pick([0, 1, 80, 443, 65535, anyPort, anyPort])
            )
        }
        let source = endpoint(&random)
        let destination = endpoint(&random)
        let header: [UInt8]
        if random.next(in: 0...1) == 0 {
            header = ProxyProtocolTestEncoder.v1(source: source, destination: destination)
        } else {
            let tlvs = (0..<random.next(in: 0...4)).map { _ in
                (
                    type: UInt8(random.next(in: 0...255)),
                    value: (0..<random.next(in: 0...40)).map { _ in UInt8(random.next(in: 0...255)) }
                )
            }
            header = ProxyProtocolTestEncoder.v2TCP(source: source, destination: destination, tlvs: tlvs)
        }
        let trailing = (0..<random.next(in: 0...64)).map { _ in UInt8(random.next(in: 0...255)) }
        let stream = header + trailing
        var pieces: [[UInt8]] = []
        var start = 0
        while start < stream.count {
            let end = min(stream.count, start + random.next(in: 1...40))
            pieces.append(Array(stream[start..<end]))
            start = end
        }
        return (source, destination, header.count, trailing, pieces)
    }

    @Test func randomHeadersRoundTrip() async {
        await propertyCheck(count: 500, input: Self.randomConnection) { input in
            let (source, destination, length, trailing, pieces) = input
            let fed = FedPieces(pieces)
            #expect(fed.header?.source == source.socketAddress)
            #expect(fed.header?.destination == destination.socketAddress)
            #expect(fed.header?.length == length)
            #expect(fed.remainder == trailing)
        }
    }
}
