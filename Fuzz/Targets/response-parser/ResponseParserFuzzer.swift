import FuzzSupport
import NIOCore

@testable import Proxy

// Fuzzes `UpstreamResponseParser`, which decides where an upstream's response ends (a gap in it
// lets one upstream response answer the next client's request). A broken invariant traps:
// - how the bytes are split into reads changes nothing (heads, bodies, trailers, failure);
// - a response framed by Content-Length that ends has exactly that many body bytes;
// - nothing is delivered after a failure.
// Each input is read as the answers to GET requests and again as the answers to HEAD requests.

/// A small head limit, so that short inputs reach the oversized-head path too.
private let maxHeadBytes = 300

/// What the parser delivered, with adjacent body slices joined (their split is the reads').
private enum Delivery: Equatable {
    case head(bytes: [UInt8], status: Int, contentLength: Int?, chunked: Bool)
    case body([UInt8])
    case end(trailers: [UInt8]?)
    case failure(String)
}

private func parse(_ input: [UInt8], readSize: Int, isHEAD: Bool) -> [Delivery] {
    var parser = UpstreamResponseParser(maxHeadBytes: maxHeadBytes)
    var deliveries: [Delivery] = []
    func deliver(_ part: UpstreamResponseParser.Part) {
        switch part {
        case .head(let head):
            deliveries.append(
                .head(
                    bytes: Array(head.bytes.readableBytesView),
                    status: head.status,
                    contentLength: head.contentLength,
                    chunked: head.transferCoding == .chunked
                )
            )
        case .body(let slice):
            let bytes = Array(slice.readableBytesView)
            if case .body(let earlier) = deliveries.last {
                deliveries[deliveries.count - 1] = .body(earlier + bytes)
            } else {
                deliveries.append(.body(bytes))
            }
        case .end(let trailers):
            deliveries.append(.end(trailers: trailers.map { Array($0.readableBytesView) }))
        }
    }
    parser.requestSent(isHEAD: isHEAD)
    var buffer = ByteBuffer()
    var offset = 0
    do {
        while true {
            while let part = try parser.next(&buffer) { deliver(part) }
            if parser.isUpgraded { break }  // the rest is the tunnel's
            if buffer.readableBytes > 0, parser.state == .idle {
                // Bytes after a complete response: read them as the answer to a pipelined request.
                parser.requestSent(isHEAD: isHEAD)
                continue
            }
            guard offset < input.count else { break }
            buffer.writeBytes(input[offset..<min(offset + readSize, input.count)])
            offset += readSize
        }
        if let part = try parser.inputEnded() { deliver(part) }
    } catch let failure as UpstreamResponseParser.Failure {
        deliveries.append(.failure(failure.reason))
        var rest = ByteBuffer(bytes: input[min(offset, input.count)...])
        if let part = try? parser.next(&rest) { fatalError("part after a failure: \(part)") }
    } catch {
        fatalError("unexpected error \(error)")
    }
    return deliveries
}

/// Checks that every response framed by Content-Length that ended carried exactly that many bytes.
private func checkLengths(_ deliveries: [Delivery], isHEAD: Bool) {
    var expected: Int?
    var received = 0
    for delivery in deliveries {
        switch delivery {
        case .head(_, let status, let contentLength, let chunked):
            let bodyless = isHEAD || status == 204 || status == 304 || (100..<200).contains(status)
            expected = bodyless || chunked ? nil : contentLength
            received = 0
        case .body(let bytes):
            received += bytes.count
        case .end:
            if let expected, received != expected {
                fatalError("Content-Length \(expected) but \(received) body bytes: \(deliveries)")
            }
            expected = nil
        case .failure:
            break
        }
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzResponseParser(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: start, count: count))
    for isHEAD in [false, true] {
        let whole = parse(input, readSize: max(count, 1), isHEAD: isHEAD)
        let byteByByte = parse(input, readSize: 1, isHEAD: isHEAD)
        guard whole == byteByByte else {
            fatalError("one read and byte-by-byte reads parse differently (HEAD: \(isHEAD)):\n\(whole)\n\(byteByByte)")
        }
        checkLengths(whole, isHEAD: isHEAD)
    }
    return 0
}

/// The program's entry (see `runFuzzerDriver`).
@_cdecl("fuzz_response_parser_main")
func entryPoint(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    runFuzzerDriver(argc: argc, argv: argv, testOneInput: fuzzResponseParser)
}
