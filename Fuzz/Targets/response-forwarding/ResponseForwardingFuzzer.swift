import FuzzSupport
import NIOCore
import NIOHPACK
import NIOHTTP1

@testable import Proxy

// Fuzzes what the gateway sends a client for an upstream's response head, the response-side
// twin of the request downgrade: `ClientResponseFieldSelection` decides which fields go, then
// `ForwardingHeaderPolicy.writeClientResponseHead` writes the HTTP/1.1 head and
// `HTTP2ResponseTranslator` the HTTP/2 header block. A broken invariant traps:
// - the HTTP/1.1 head, read back by the gateway's own response parser, is one head with the
//   upstream's status, the upstream's kept field lines byte for byte and in order, then the
//   gateway's own (`via`, `x-request-id`, `strict-transport-security`, framing, `connection`),
//   its framing the one the writer reported, and the gateway's request ID exactly once;
// - the HTTP/2 block starts with `:status`, has no other pseudo-header, only lower-case names,
//   no connection-specific field, no CR, LF or NUL in a value, and the request ID exactly once.
//
// The input: a flags byte (bit 0: the request was HEAD; bit 1: an HTTP/1.0 client; bit 2: the
// gateway closes the client connection after this response; bit 3: an HSTS value is configured),
// then the upstream's bytes; its first response head is the one forwarded.

private let requestID = "0123456789abcdef0123456789abcdef"
private let hsts = "max-age=31536000"
private let policy = ForwardingHeaderPolicy()

/// The upstream's head may take 4 KiB; the client's is read back with room for the gateway's fields.
private let upstreamHeadLimit = 4_096
private let clientHeadLimit = upstreamHeadLimit + 1_024

private func firstHead(_ bytes: ArraySlice<UInt8>, isHEAD: Bool, limit: Int) -> UpstreamResponseHead? {
    var parser = UpstreamResponseParser(maxHeadBytes: limit)
    parser.requestSent(isHEAD: isHEAD)
    var buffer = ByteBuffer(bytes: bytes)
    guard case .head(let head)? = try? parser.next(&buffer) else { return nil }
    return head
}

/// A head's field lines as (lower-cased name, value bytes), in order.
private func fields(_ head: UpstreamResponseHead) -> [(String, [UInt8])] {
    head.bytes.withUnsafeReadableBytes { bytes in
        head.fields.map {
            (String(decoding: bytes[$0.name].map(ASCII.lowercased), as: UTF8.self), Array(bytes[$0.value]))
        }
    }
}

private let gatewaysOwn: Set<String> = [
    "via", "x-request-id", "strict-transport-security", "transfer-encoding", "connection",
]

private func checkHTTP1(_ upstream: UpstreamResponseHead, isHEAD: Bool, http10: Bool, close: Bool, hsts: String?) {
    let selection = ClientResponseFieldSelection(
        upstream,
        requestMethod: isHEAD ? .HEAD : .GET,
        clientVersion: http10 ? .http1_0 : .http1_1,
        tunnel: false,
        requestID: requestID,
        strictTransportSecurity: hsts
    )
    var out = ByteBuffer()
    let framing = policy.writeClientResponseHead(
        upstream,
        requestMethod: isHEAD ? .HEAD : .GET,
        clientVersion: http10 ? .http1_0 : .http1_1,
        closeClient: close,
        tunnel: false,
        requestID: requestID,
        strictTransportSecurity: hsts,
        into: &out
    )
    let written = Array(out.readableBytesView)
    let text = String(decoding: written, as: UTF8.self)
    guard framing == selection.framing else { fatalError("framing \(framing), selection \(selection.framing)") }
    // The parser hands a head over without the blank line that ends it.
    guard let client = firstHead(written[...], isHEAD: isHEAD, limit: clientHeadLimit),
        client.bytes.readableBytes + 2 == written.count
    else {
        fatalError("the head written for the client is not one head the gateway reads back:\n\(text)")
    }
    guard client.status == upstream.status else { fatalError("status \(upstream.status) → \(client.status):\n\(text)") }
    let clientFields = fields(client)
    // The kept lines come first, as the upstream wrote them; then only the gateway's own.
    let keptLines = upstream.bytes.withUnsafeReadableBytes { bytes in
        upstream.fields.filter { selection.keeps(bytes[$0.name]) }.map { Array(bytes[$0.line]) }
    }
    let kept = keptLines.count
    let clientLines = client.bytes.withUnsafeReadableBytes { bytes in client.fields.map { Array(bytes[$0.line]) } }
    guard clientLines.count >= kept, Array(clientLines.prefix(kept)) == keptLines else {
        fatalError("the upstream's kept lines are not the client's first lines:\n\(text)")
    }
    for (name, _) in clientFields.dropFirst(kept) where !gatewaysOwn.contains(name) {
        fatalError("\(name) added by the gateway:\n\(text)")
    }
    for (name, value) in clientFields.prefix(kept) {
        guard !ForwardingHeaderPolicy.isFixedHopByHop(name.utf8) else {
            fatalError("hop-by-hop \(name) passed on:\n\(text)")
        }
        guard !value.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0 }) else {
            fatalError("CR, LF or NUL in \(name):\n\(text)")
        }
    }
    let ids = clientFields.filter { $0.0 == "x-request-id" }
    if upstream.isInformational {
        guard ids.count == keptCount(upstream, selection, "x-request-id") else {
            fatalError("request ID on a 1xx:\n\(text)")
        }
    } else {
        guard ids.count == 1, ids[0].1 == Array(requestID.utf8) else { fatalError("request ID not once:\n\(text)") }
    }
    switch framing {
    case .length(let length):
        guard client.contentLength == length, client.transferCoding == .none else {
            fatalError(
                "length framing \(length), the client reads \(String(describing: client.contentLength)):\n\(text)"
            )
        }
    case .chunked:
        guard client.transferCoding == .chunked, !http10 else { fatalError("chunked framing not as written:\n\(text)") }
    case .untilClose:
        guard client.transferCoding == .none, client.contentLength == nil, client.connectionClose else {
            fatalError("framing until close, but the client reads another:\n\(text)")
        }
    case .none:
        guard client.transferCoding == .none else { fatalError("no body, but chunked:\n\(text)") }
    }
}

private func keptCount(
    _ head: UpstreamResponseHead,
    _ selection: ClientResponseFieldSelection,
    _ name: StaticString
) -> Int {
    head.bytes.withUnsafeReadableBytes { bytes in
        head.fields.filter { selection.keeps(bytes[$0.name]) && ASCII.equalsCaseInsensitive(bytes[$0.name], name) }
            .count
    }
}

private func checkHTTP2(_ upstream: UpstreamResponseHead, isHEAD: Bool, hsts: String?) {
    let selection = ClientResponseFieldSelection(
        upstream,
        requestMethod: isHEAD ? .HEAD : .GET,
        clientVersion: .http1_1,
        tunnel: false,
        requestID: requestID,
        strictTransportSecurity: hsts
    )
    let block = HTTP2ResponseTranslator.headers(of: upstream, selection: selection, via: "1.1 freezegate")
    let entries = block.map { ($0.name, $0.value) }
    guard let first = entries.first, first.0 == ":status", first.1 == String(upstream.status) else {
        fatalError("the block does not start with :status \(upstream.status): \(entries)")
    }
    var ids = 0
    for (name, value) in entries.dropFirst() {
        guard !name.isEmpty, name.utf8.first != UInt8(ascii: ":"),
            name.utf8.allSatisfy({ ASCII.isTokenByte($0) && !(0x41...0x5A).contains($0) })
        else { fatalError("field name \(Array(name.utf8)) in \(entries)") }
        guard !HTTP2RequestTranslator.isConnectionSpecific(name.utf8) else {
            fatalError("connection-specific \(name) in \(entries)")
        }
        guard !value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0 }) else {
            fatalError("CR, LF or NUL in \(name): \(entries)")
        }
        if name == "x-request-id" { ids += 1 }
    }
    let expectedIDs = upstream.isInformational ? keptCount(upstream, selection, "x-request-id") : 1
    guard ids == expectedIDs else { fatalError("\(ids) request IDs in \(entries)") }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzResponseForwarding(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: start, count: count))
    guard let flags = input.first else { return 0 }
    let isHEAD = flags & 1 != 0
    guard let upstream = firstHead(input.dropFirst(), isHEAD: isHEAD, limit: upstreamHeadLimit) else { return 0 }
    let configured = flags & 8 != 0 ? hsts : nil
    checkHTTP1(upstream, isHEAD: isHEAD, http10: flags & 2 != 0, close: flags & 4 != 0, hsts: configured)
    checkHTTP2(upstream, isHEAD: isHEAD, hsts: configured)
    return 0
}

/// The program's entry (see `runFuzzerDriver`).
@_cdecl("fuzz_response_forwarding_main")
func entryPoint(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    runFuzzerDriver(argc: argc, argv: argv, testOneInput: fuzzResponseForwarding)
}
