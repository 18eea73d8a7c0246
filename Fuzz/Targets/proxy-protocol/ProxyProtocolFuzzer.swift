import FuzzSupport
import NIOCore

@testable import Proxy

// Fuzzes `ProxyProtocolParser`, which reads the PROXY protocol header (v1 text, v2 binary) that a
// load balancer puts before a connection's first byte: the client address the gateway logs and
// forwards comes from it, and where it ends is where HTTP or TLS begins. A broken invariant traps:
// - how the bytes are split into reads changes nothing (outcome, header, where the rest begins);
// - an accepted header's length is where the rest begins, within the version's limits, and has the
//   version's form (`PROXY ` … CRLF; the v2 signature and announced length);
// - no strict prefix of an accepted header is refused, nor taken for a header;
// - once decided, more bytes change nothing;
// - source and destination come together, of one address family, and written again in the
//   version's own form they parse back to the same addresses.

/// A small v2 payload limit, so that short inputs reach the "over the limit" path too.
private let maxV2PayloadLength = 64

/// What a parse decided, with the header's end counted from the first byte of the input.
private enum Decision: Equatable {
    case needMoreBytes
    case header(ProxyProtocolHeader, end: Int)
    case invalid(String)
}

private func parse(_ input: [UInt8], readSize: Int) -> Decision {
    var parser = ProxyProtocolParser(maxV2PayloadLength: maxV2PayloadLength)
    var offset = 0
    while offset < input.count {
        let piece = Array(input[offset..<min(offset + readSize, input.count)])
        let outcome = piece.withUnsafeBytes { parser.feed($0) }
        switch outcome {
        case .needMoreBytes:
            offset += piece.count
        case .header(let header, let remainderOffset):
            guard remainderOffset >= 0, remainderOffset <= piece.count else {
                fatalError("remainder offset \(remainderOffset) outside a piece of \(piece.count) bytes")
            }
            checkSticky(&parser, .header(header, remainderOffset: 0))
            return .header(header, end: offset + remainderOffset)
        case .invalid(let reason):
            checkSticky(&parser, .invalid(reason))
            return .invalid(reason)
        }
    }
    return .needMoreBytes
}

/// A decided parser answers every later piece as it answered before (a header: all of a later
/// piece is remainder).
private func checkSticky(_ parser: inout ProxyProtocolParser, _ expected: ProxyProtocolParser.Outcome) {
    let later: [UInt8] = Array("GET / HTTP/1.1\r\n".utf8)
    let outcome = later.withUnsafeBytes { parser.feed($0) }
    guard outcome == expected else { fatalError("a decided parser changed its answer: \(expected) → \(outcome)") }
}

private func checkHeader(_ header: ProxyProtocolHeader, end: Int, input: [UInt8]) {
    guard header.length == end, end <= input.count else {
        fatalError("header length \(header.length), but the rest begins at \(end) of \(input.count)")
    }
    let bytes = Array(input[0..<end])
    switch header.version {
    case .v1:
        guard end <= ProxyProtocolParser.v1MaxLength, bytes.starts(with: ProxyProtocolParser.v1Signature),
            bytes.suffix(2) == [0x0D, 0x0A], !bytes.dropLast(2).contains(0x0A)
        else { fatalError("not a v1 line: \(bytes)") }
        guard header.command == .proxy else { fatalError("a v1 header that is not PROXY") }
    case .v2:
        guard bytes.starts(with: ProxyProtocolParser.v2Signature), end >= ProxyProtocolParser.v2FixedLength,
            end == ProxyProtocolParser.v2FixedLength + (Int(bytes[14]) << 8 | Int(bytes[15])),
            end <= ProxyProtocolParser.v2FixedLength + maxV2PayloadLength
        else { fatalError("not a v2 header of its announced length: \(bytes)") }
    }
    // Every strict prefix is a header still being read.
    for cut in [0, 1, end / 2, end - 1] where cut >= 0 && cut < end {
        guard parse(Array(bytes[0..<cut]), readSize: max(cut, 1)) == .needMoreBytes else {
            fatalError("the first \(cut) bytes of an accepted header were decided: \(bytes)")
        }
    }
    switch (header.source, header.destination) {
    case (nil, nil):
        return
    case (let source?, let destination?):
        checkAddresses(source, destination, version: header.version)
    default:
        fatalError("only one of source and destination: \(header)")
    }
}

/// Both addresses of one family; written again in the header's form, they parse back the same.
private func checkAddresses(_ source: SocketAddress, _ destination: SocketAddress, version: ProxyProtocolHeader.Version)
{
    let rewritten: [UInt8]
    switch (source, destination) {
    case (.v4, .v4), (.v6, .v6):
        break
    default:
        fatalError("source and destination of different families: \(source) \(destination)")
    }
    guard let sourceIP = source.ipAddress, let destinationIP = destination.ipAddress,
        let sourcePort = source.port, let destinationPort = destination.port
    else { fatalError("an address without text or port: \(source) \(destination)") }
    let isIPv6: Bool
    if case .v6 = source { isIPv6 = true } else { isIPv6 = false }
    switch version {
    case .v1:
        let line = "PROXY \(isIPv6 ? "TCP6" : "TCP4") \(sourceIP) \(destinationIP) \(sourcePort) \(destinationPort)\r\n"
        rewritten = Array(line.utf8)
    case .v2:
        var bytes = ProxyProtocolParser.v2Signature + [0x21, isIPv6 ? 0x21 : 0x11]
        let addressLength = isIPv6 ? 36 : 12
        bytes += [UInt8(addressLength >> 8), UInt8(addressLength & 0xFF)]
        for address in [source, destination] {
            guard case .some(let packed) = address.ipAddressBytes else { fatalError("no packed address: \(address)") }
            bytes += packed
        }
        for port in [sourcePort, destinationPort] { bytes += [UInt8(port >> 8), UInt8(port & 0xFF)] }
        rewritten = bytes
    }
    guard case .header(let again, _) = parse(rewritten, readSize: rewritten.count),
        again.source == source, again.destination == destination
    else { fatalError("\(source) \(destination) written again as \(rewritten) did not parse back") }
}

extension SocketAddress {
    /// The address's bytes in network order.
    fileprivate var ipAddressBytes: [UInt8]? {
        switch self {
        case .v4(let address):
            return withUnsafeBytes(of: address.address.sin_addr.s_addr) { Array($0) }
        case .v6(let address):
            return withUnsafeBytes(of: address.address.sin6_addr) { Array($0) }
        default:
            return nil
        }
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzProxyProtocolParser(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: start, count: count))
    let whole = parse(input, readSize: max(count, 1))
    for readSize in [1, 7] {
        let split = parse(input, readSize: readSize)
        guard split == whole else {
            fatalError("one read and reads of \(readSize) bytes parse differently:\n\(whole)\n\(split)")
        }
    }
    if case .header(let header, let end) = whole { checkHeader(header, end: end, input: input) }
    return 0
}

/// The program's entry (see `runFuzzerDriver`).
@_cdecl("fuzz_proxy_protocol_main")
func entryPoint(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    runFuzzerDriver(argc: argc, argv: argv, testOneInput: fuzzProxyProtocolParser)
}
