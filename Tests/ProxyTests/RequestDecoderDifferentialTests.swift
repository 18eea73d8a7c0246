import NIOCore
import NIOEmbedded
import NIOHTTP1
import PropertyBased
import TestSupport
import Testing

@testable import Proxy

/// The gateway's own request decoder must decode every valid request stream exactly as NIO's
/// llhttp-based decoder (which it replaced on the client side) does: same heads, bodies and
/// trailers, however the bytes are split into reads. One intended difference: a field value ends
/// before trailing whitespace (RFC 9110 §5.5, as nginx reads it); NIO keeps that whitespace, so
/// its values are compared without it. Another: ours hands a value over one scalar per byte
/// (``FieldValueEncoding``, so that obs-text is forwarded exactly), NIO's as UTF-8; ours are
/// compared by the UTF-8 reading of their bytes.
@Suite struct RequestDecoderDifferentialTests {
    /// What a decoder produced, in a comparable form.
    struct Decoded: Equatable, CustomStringConvertible {
        var heads: [String] = []
        var bodies: [String] = []
        var trailers: [String] = []

        var description: String { "heads \(self.heads) bodies \(self.bodies) trailers \(self.trailers)" }

        init(_ parts: [HTTPServerRequestPart], bytePerScalar: Bool = false) {
            func reading(_ value: String) -> String {
                guard bytePerScalar else { return value }
                return String(decoding: value.unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) }, as: UTF8.self)
            }
            for part in parts {
                switch part {
                case .head(let head):
                    let fields = head.headers.map { "\($0.name)=\(Self.withoutTrailingWhitespace(reading($0.value)))" }
                        .joined(separator: "|")
                    self.heads.append("\(head.method.rawValue) \(head.uri) \(head.version) [\(fields)]")
                    self.bodies.append("")
                case .body(let buffer):
                    self.bodies[self.bodies.count - 1] += String(buffer: buffer)
                case .end(let trailers):
                    let fields = trailers?.map { "\($0.name)=\(Self.withoutTrailingWhitespace(reading($0.value)))" }
                    self.trailers.append(fields?.joined(separator: "|") ?? "-")
                }
            }
        }

        static func withoutTrailingWhitespace(_ value: String) -> String {
            var value = Substring(value)
            while let last = value.last, last == " " || last == "\t" { value = value.dropLast() }
            return String(value)
        }
    }

    static let methods = ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "PROPFIND"]
    static let targets = [
        "/", "/company/1/users", "/v2api/1/customer/index?x=1&y=%2F", "/a//b/../c", "*",
        "/é".replacing("é", with: "%C3%A9"),
    ]
    static let names = ["X-A", "x-b", "Accept", "Cookie", "X-Long-Header-Name-Of-Some-Length", "Content-Type"]
    static let values = [
        "", "1", "a b", "  padded  ", "\t tab \t", "text/html, application/json;q=0.9", "é-ü", "x=1; y=2",
    ]

    /// A stream of 1–4 pipelined valid requests (fixed-length, chunked with extensions and
    /// trailers, or bodyless) and the read sizes to split it into.
    static let stream = Gen.int(in: 0...Int.max).map { seed -> (String, [Int]) in
        var random = SplitMix(seed: UInt64(truncatingIfNeeded: seed))
        var text = ""
        for _ in 0..<random.next(in: 1...4) {
            let method = random.pick(methods)
            let http10 = random.next(in: 0...5) == 0
            text += "\(method) \(random.pick(targets)) HTTP/1.\(http10 ? 0 : 1)\r\nHost: acme.s20.online\r\n"
            // (llhttp refuses anything after an HTTP/1.0 request that does not keep the connection.)
            if http10 { text += "Connection: keep-alive\r\n" }
            for _ in 0..<random.next(in: 0...5) {
                text += "\(random.pick(names)):\(random.pick(values))\r\n"
            }
            let body = String(repeating: random.pick(["a", "bc", "\r\n", "0\r\n\r\n"]), count: random.next(in: 0...40))
            switch (http10, random.next(in: 0...2)) {
            case (false, 0):
                text += "Transfer-Encoding: chunked\r\n\r\n"
                var rest = Array(body.utf8)[...]
                while !rest.isEmpty {
                    let size = min(rest.count, random.next(in: 1...9))
                    let extensions = random.pick(["", ";a", ";a=b", ";q=\"x y\""])
                    text += String(size, radix: 16, uppercase: random.next(in: 0...1) == 0) + extensions + "\r\n"
                    text += String(decoding: rest.prefix(size), as: UTF8.self) + "\r\n"
                    rest = rest.dropFirst(size)
                }
                text += "0\r\n" + (random.next(in: 0...1) == 0 ? "X-Trailer: \(random.pick(values))\r\n" : "") + "\r\n"
            case (_, 1):
                text += "Content-Length: \(body.utf8.count)\r\n\r\n" + body
            default:
                text += "\r\n"
            }
        }
        var splits: [Int] = []
        var total = 0
        while total < text.utf8.count {
            let size = random.next(in: 1...64)
            splits.append(size)
            total += size
        }
        return (text, splits)
    }

    @Test func decodesLikeNIOsDecoder() async {
        await propertyCheck(count: 600, input: Self.stream) { input in
            let (text, splits) = input
            let ours = Self.decode(text, splits: splits, bytePerScalar: true) {
                RequestDecodingHandler(limits: RequestLimits(), headerTimeout: .seconds(60))
            }
            let nios = Self.decode(text, splits: splits) { ByteToMessageHandler(HTTPRequestDecoder()) }
            #expect(ours != nil)
            #expect(ours == nios, "\(text.debugDescription)")
        }
    }

    static func decode(
        _ text: String,
        splits: [Int],
        bytePerScalar: Bool = false,
        decoder: () -> some ChannelInboundHandler
    ) -> Decoded? {
        let channel = EmbeddedChannel()
        defer { _ = try? channel.finish() }
        do {
            try channel.pipeline.syncOperations.addHandler(decoder())
            let bytes = Array(text.utf8)
            var index = 0
            for size in splits where index < bytes.count {
                let end = min(bytes.count, index + size)
                try channel.writeInbound(ByteBuffer(bytes: bytes[index..<end]))
                index = end
            }
            var parts: [HTTPServerRequestPart] = []
            if bytePerScalar {
                // Ours: heads with their fields as bytes, read as NIO's type to compare.
                while let part = try channel.readInbound(as: RequestPart.self) {
                    switch part {
                    case .head(let head): parts.append(.head(head.httpRequestHead))
                    case .body(let buffer): parts.append(.body(buffer))
                    case .end(let trailers): parts.append(.end(trailers))
                    }
                }
            } else {
                while let part = try channel.readInbound(as: HTTPServerRequestPart.self) { parts.append(part) }
            }
            return Decoded(parts, bytePerScalar: bytePerScalar)
        } catch {
            return nil
        }
    }
}

/// ``SplitMix64`` with the draws these tests use, so that a failing case can be replayed from its seed.
struct SplitMix {
    var generator: SplitMix64
    init(seed: UInt64) { self.generator = SplitMix64(seed: seed) }

    mutating func nextRaw() -> UInt64 { self.generator.next() }

    mutating func next(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(self.nextRaw() % UInt64(range.count))
    }

    mutating func pick<T>(_ values: [T]) -> T { values[self.next(in: 0...(values.count - 1))] }
}
