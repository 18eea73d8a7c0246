import FuzzSupport
import HTTPHead
import NIOCore
import NIOHPACK
import NIOHTTP1

@testable import Proxy

// Fuzzes the HTTP/2 → HTTP/1.1 downgrade, where a request smuggled past the gateway would be
// made: `HTTP2RequestTranslator` turns a stream's header block into the head the Gate decides on,
// and `ForwardingHeaderPolicy` writes that head upstream as HTTP/1.1 bytes. A broken invariant
// traps:
// - a head the translator accepts has only lower-case token names, values without CR, LF or NUL,
//   and no connection-specific field;
// - its upstream bytes, read by the gateway's own HTTP/1.1 request parser, are one request head
//   and nothing more: the same method, target and `host` the Gate decided on, the framing the
//   gateway chose, and the client's fields in order with their values unchanged (minus the ones
//   the gateway drops or replaces).
//
// The input is a header block: its first byte holds flags (bit 0: the HEADERS frame ends the
// stream; bit 1: a valid set of pseudo-headers comes first), the rest is fields separated by
// 0xFE, each a name and a value separated by its first 0xFF. Values are read as UTF-8, as HPACK's
// strings are, names as ASCII (each byte's low seven bits); 0xFE and 0xFF never occur in UTF-8,
// so the separators are unambiguous.

private let requestID = "0123456789abcdef0123456789abcdef"
private let client = ForwardingHeaderPolicy.ClientIdentity(ip: "192.0.2.1", trusted: false)
private let policy = ForwardingHeaderPolicy()
private let limits = RequestLimits()
/// The upstream reads the head with room for the fields the gateway adds (`via`, `x-forwarded-*`,
/// `x-request-id`, framing): the client's own fields are held to `limits`, the gateway's are not.
private let upstreamLimits = RequestLimits(
    maxRequestLineBytes: limits.maxRequestLineBytes + 32,
    maxHeaderBytes: limits.maxHeaderBytes + 1_024,
    maxHeaderCount: limits.maxHeaderCount + 8
)

private func block(_ input: [UInt8]) -> (HPACKHeaders, endStream: Bool) {
    var headers = HPACKHeaders()
    guard let flags = input.first else { return (headers, false) }
    if flags & 2 != 0 {
        headers.add(name: ":method", value: "GET")
        headers.add(name: ":scheme", value: "https")
        headers.add(name: ":authority", value: "acme.s20.online")
        headers.add(name: ":path", value: "/")
    }
    for field in input.dropFirst().split(separator: 0xFE, omittingEmptySubsequences: true) {
        let separator = field.firstIndex(of: 0xFF) ?? field.endIndex
        // HPACKHeaders takes ASCII names only (its decoder refuses others before they get here).
        let name = String(decoding: field[field.startIndex..<separator].map { $0 & 0x7F }, as: UTF8.self)
        let value = separator < field.endIndex ? String(decoding: field[(separator + 1)...], as: UTF8.self) : ""
        headers.add(name: name, value: value)
    }
    return (headers, flags & 1 != 0)
}

/// Fields the gateway drops from the client's head or writes itself, by lower-case name.
private func isGatewaysOwn(_ name: String) -> Bool {
    let lowered = name.lowercased()
    return ForwardingHeaderPolicy.isFixedHopByHop(lowered.utf8)
        || RequestFieldRole(name: lowered.utf8).isClientForwarding
        || ["content-length", "x-request-id", "via"].contains(lowered)
}

private func checkAccepted(_ translated: RequestHead) {
    let head = translated.httpRequestHead
    for (name, value) in head.headers {
        guard !name.isEmpty, name.utf8.allSatisfy({ ASCII.isTokenByte($0) && !($0 >= 0x41 && $0 <= 0x5A) }) else {
            fatalError("accepted field name \(Array(name.utf8))")
        }
        guard !value.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\0" }) else {
            fatalError("accepted value with CR, LF or NUL for \(name): \(Array(value.utf8))")
        }
        // The one the translator adds itself: the framing it chose for a body of unknown length.
        if name == "transfer-encoding" && value == "chunked" { continue }
        guard !HTTP2RequestTranslator.isConnectionSpecific(name.utf8) else {
            fatalError("accepted connection-specific field \(name)")
        }
    }
    guard head.headers[canonicalForm: "transfer-encoding"].count <= 1,
        head.headers["transfer-encoding"].isEmpty || head.headers["content-length"].isEmpty
    else { fatalError("framing fields in conflict: \(head.headers)") }
    let framing = ForwardingHeaderPolicy.requestFraming(translated)
    var out = ByteBuffer()
    policy.writeUpstreamRequestHead(
        translated,
        framing: framing,
        client: client,
        isTLS: true,
        webSocket: false,
        requestID: requestID,
        into: &out
    )
    let bytes = Array(out.readableBytesView)
    var parser = RequestParser(limits: upstreamLimits)
    var heads: [(HTTPRequestHead, MessageFraming)] = []
    var otherParts: [RequestParser.Part] = []
    let outcome = bytes.withUnsafeBytes { raw in
        parser.consume(raw) { part in
            if case .head(let parsed, let parsedFraming) = part {
                heads.append((parsed.httpRequestHead, parsedFraming))
            } else {
                otherParts.append(part)
            }
        }
    }
    let text = String(decoding: bytes, as: UTF8.self)
    guard outcome.rejection == nil else {
        fatalError("the upstream head of an accepted request is refused (\(outcome.rejection!)):\n\(text)")
    }
    guard heads.count == 1, outcome.acceptedBytes == bytes.count, outcome.heldFrom == nil else {
        fatalError("not exactly one complete head (\(heads.count), \(outcome)):\n\(text)")
    }
    let (parsed, parsedFraming) = heads[0]
    // A request without body (no framing, or a length of 0) ends with its head; nothing else
    // may follow.
    let bodyless = parsedFraming == .none || parsedFraming == .length(0)
    guard otherParts == (bodyless ? [.end(nil)] : []) else {
        fatalError("parts after the head: \(otherParts):\n\(text)")
    }
    guard parsed.method == head.method, parsed.uri == head.uri, parsedFraming == framing else {
        fatalError("method, target or framing changed: \(head) → \(parsed), \(framing) → \(parsedFraming):\n\(text)")
    }
    guard parsed.headers["host"] == head.headers["host"] else {
        fatalError("host changed: \(head.headers["host"]) → \(parsed.headers["host"]):\n\(text)")
    }
    let sent = head.headers.filter { !isGatewaysOwn($0.name) }.map { "\($0.name.lowercased()): \($0.value)" }
    let received = parsed.headers.filter { !isGatewaysOwn($0.name) }.map { "\($0.name.lowercased()): \($0.value)" }
    guard sent == received else {
        fatalError("fields changed on the way up:\n\(sent)\n\(received)\n\(text)")
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTP2Downgrade(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let (headers, endStream) = block(Array(UnsafeBufferPointer(start: start, count: count)))
    if case .success(let head) = HTTP2RequestTranslator.requestHead(headers, endStream: endStream, limits: limits) {
        checkAccepted(head)
    }
    return 0
}

/// The program's entry (see `runFuzzerDriver`).
@_cdecl("fuzz_http2_downgrade_main")
func entryPoint(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    runFuzzerDriver(argc: argc, argv: argv, testOneInput: fuzzHTTP2Downgrade)
}
