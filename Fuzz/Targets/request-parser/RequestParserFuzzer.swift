import FuzzSupport
import HTTPHead
import NIOHTTP1
import Proxy

// Fuzzes the client side's request parser, `RequestParser`: it alone decides where each
// request ends, so a gap in it is request smuggling. A broken invariant traps (a libFuzzer crash):
// - how the bytes are split into reads changes nothing (parts, bodies, rejection);
// - every request it accepts, written again as plain HTTP (`name: value` fields, its body framed
//   as its own fields say), parses back to the same head, body and trailers.

/// Small limits, so that inputs of a few hundred bytes reach the 414/431 paths too.
private let smallLimits = RequestLimits(maxRequestLineBytes: 200, maxHeaderBytes: 400, maxHeaderCount: 8)

/// One request as decoded, in a form compared field by field and in order.
private struct DecodedRequest: Equatable {
    var head: HTTPRequestHead
    var fields: [String]
    var body: [UInt8] = []
    var trailers: [String]?
    var ended = false

    init(head: HTTPRequestHead) {
        self.head = head
        self.fields = head.headers.map { "\($0.name): \($0.value)" }
    }
}

/// What the parser made of a byte stream.
private struct DecodedStream: Equatable {
    var requests: [DecodedRequest] = []
    var rejection: RequestRejection?
}

/// Decodes `bytes` fed in reads of at most `readSize` bytes, until a rejection or an upgrade
/// (after which the bytes are no longer HTTP).
private func decode(
    _ bytes: UnsafeRawBufferPointer,
    readSize: Int,
    limits: RequestLimits = smallLimits
) -> DecodedStream {
    var validator = RequestParser(limits: limits)
    var stream = DecodedStream()
    var offset = 0
    while offset < bytes.count, stream.rejection == nil, !validator.isAwaitingUpgradeOutcome,
        !validator.isPassthrough
    {
        let read = UnsafeRawBufferPointer(rebasing: bytes[offset..<min(offset + readSize, bytes.count)])
        let outcome = validator.consume(read) { part in
            switch part {
            case .head(let head, let framing):
                // The framing the parser decided is the one its head's fields state: the exchange
                // carries the parser's and the forwarded head is written from the fields.
                guard framing == ForwardingHeaderPolicy.requestFraming(head) else {
                    fatalError("framing \(framing) but the fields say \(ForwardingHeaderPolicy.requestFraming(head))")
                }
                stream.requests.append(DecodedRequest(head: head.httpRequestHead))
            case .body(let range):
                guard !stream.requests.isEmpty else { fatalError("body bytes before any head") }
                stream.requests[stream.requests.count - 1].body += read[range]
            case .end(let trailers):
                guard !stream.requests.isEmpty else { fatalError("end of a request before any head") }
                stream.requests[stream.requests.count - 1].trailers = trailers.map { fields in
                    fields.map { "\($0.name): \($0.value)" }
                }
                stream.requests[stream.requests.count - 1].ended = true
            }
        }
        stream.rejection = outcome.rejection
        offset += read.count
    }
    return stream
}

/// The request as the gateway could write it on: request line, `name: value` fields, the body
/// in the framing its own fields select (chunked with a single chunk, or as is).
private func serialize(_ request: DecodedRequest) -> [UInt8] {
    // Field values come one scalar per received byte (the parser keeps obs-text exactly): each
    // scalar is written back as its byte, as the gateway's own writer does.
    func wireBytes(_ text: String) -> [UInt8] { text.unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) } }
    var bytes = Array("\(request.head.method.rawValue) \(request.head.uri) \(request.head.version)\r\n".utf8)
    for field in request.fields { bytes += wireBytes(field) + Array("\r\n".utf8) }
    bytes += Array("\r\n".utf8)
    if request.head.headers.contains(name: "transfer-encoding") {
        if !request.body.isEmpty {
            bytes += Array((String(request.body.count, radix: 16) + "\r\n").utf8) + request.body + Array("\r\n".utf8)
        }
        bytes += Array("0\r\n".utf8)
        for field in request.trailers ?? [] { bytes += wireBytes(field) + Array("\r\n".utf8) }
        bytes += Array("\r\n".utf8)
    } else {
        bytes += request.body
    }
    return bytes
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRequestParser(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: start, count: count)
    let whole = decode(input, readSize: max(count, 1))
    let byteByByte = decode(input, readSize: 1)
    guard whole == byteByByte else {
        fatalError("one read and byte-by-byte reads decode differently:\n\(whole)\n\(byteByByte)")
    }
    for request in whole.requests where request.ended {
        // Default limits: writing a head again may lengthen it (the parser's limits are small).
        let again = serialize(request).withUnsafeBytes {
            decode($0, readSize: max($0.count, 1), limits: RequestLimits())
        }
        guard again.rejection == nil, again.requests == [request] else {
            fatalError("an accepted request does not parse back to itself:\n\(request)\n\(again)")
        }
    }
    return 0
}

/// The program's entry (see `runFuzzerDriver`).
@_cdecl("fuzz_request_parser_main")
func entryPoint(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    runFuzzerDriver(argc: argc, argv: argv, testOneInput: fuzzRequestParser)
}
