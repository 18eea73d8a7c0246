import NIOCore
import NIOEmbedded
import NIOHTTP1
import PropertyBased
import Testing

@testable import Proxy

/// The gateway's upstream response parser must read every valid response stream of a keep-alive
/// connection exactly as NIO's llhttp-based `HTTPResponseDecoder` does: same heads (interim ones
/// included), bodies, trailers and number of responses, however the bytes are split into reads,
/// including responses to HEAD, bodyless statuses and a last response that runs until the
/// upstream closes. Intended differences, left out of the comparison: a field value ends before
/// trailing whitespace (RFC 9110 §5.5), which NIO keeps; optional whitespace may be a tab around
/// `chunked` or `keep-alive` too (RFC 9110 §5.6.1), where llhttp skips only spaces; and
/// `isKeepAlive` reads only the version and `Connection`, where llhttp also says no for a body
/// that runs until close and for a HEAD response without a length.
@Suite struct UpstreamResponseDifferentialTests {
    /// What a decoder produced, in a comparable form.
    struct Decoded: Equatable, CustomStringConvertible {
        var heads: [String] = []
        var bodies: [[UInt8]] = []
        var trailers: [String] = []

        var description: String {
            let bodies = self.bodies.map { String(decoding: $0, as: UTF8.self).debugDescription }
            return "heads \(self.heads) bodies \(bodies) trailers \(self.trailers)"
        }

        /// The method of each request, in order.
        var methods: [HTTPMethod]

        init(nio parts: [HTTPClientResponsePart], methods: [HTTPMethod]) {
            self.methods = methods
            for part in parts {
                switch part {
                case .head(let head):
                    let fields = head.headers.map { ($0.name, Self.withoutTrailingWhitespace($0.value)) }
                    self.addHead(
                        status: Int(head.status.code),
                        version: head.version,
                        keepAlive: head.isKeepAlive,
                        fields: fields
                    )
                case .body(let buffer):
                    self.bodies[self.bodies.count - 1] += Array(buffer.readableBytesView)
                case .end(let trailers):
                    let fields = trailers?.map { ($0.name, Self.withoutTrailingWhitespace($0.value)) } ?? []
                    self.addEnd(trailers: fields)
                }
            }
        }

        init(ours parts: [UpstreamResponseParser.Part], methods: [HTTPMethod]) {
            self.methods = methods
            for part in parts {
                switch part {
                case .head(let head):
                    // llhttp's keep-alive also says no when the body runs until the upstream
                    // closes; the parser's `isKeepAlive` reads only the version and `Connection`.
                    let bodyless = [204, 304].contains(head.status) || head.isInformational
                    let untilClose = !bodyless && head.transferCoding != .chunked && head.contentLength == nil
                    self.addHead(
                        status: head.status,
                        version: head.version,
                        keepAlive: head.isKeepAlive && !untilClose,
                        fields: UpstreamResponseDifferentialTests.fields(of: head)
                    )
                case .body(let buffer):
                    self.bodies[self.bodies.count - 1] += Array(buffer.readableBytesView)
                case .end(let trailers):
                    self.addEnd(trailers: trailers.map(UpstreamResponseDifferentialTests.trailerFields) ?? [])
                }
            }
        }

        mutating func addHead(status: Int, version: HTTPVersion, keepAlive: Bool, fields: [(String, String)]) {
            let fields = fields.map { "\($0.0)=\($0.1)" }.joined(separator: "|")
            // llhttp decides keep-alive before it learns that a HEAD response has no body, so NIO
            // calls a HEAD response without a length not keep-alive; that is not compared.
            let isHEAD = self.trailers.count < self.methods.count && self.methods[self.trailers.count] == .HEAD
            let keepAlive = isHEAD && !(100..<200).contains(status) ? "-" : "\(keepAlive)"
            self.heads.append("\(status) \(version) keep-alive:\(keepAlive) [\(fields)]")
            self.bodies.append([])
        }

        mutating func addEnd(trailers: [(String, String)]) {
            let fields = trailers.map { "\($0.0)=\($0.1)" }.joined(separator: "|")
            self.trailers.append(fields.isEmpty ? "-" : fields)
        }

        static func withoutTrailingWhitespace(_ value: String) -> String {
            var value = Substring(value)
            while let last = value.last, last == " " || last == "\t" { value = value.dropLast() }
            return String(value)
        }
    }

    /// A generated connection: the bytes the upstream sends, the method of each request (one per
    /// final response) and the read sizes to split the bytes into.
    struct Connection: CustomStringConvertible {
        var bytes: [UInt8]
        var methods: [HTTPMethod]
        var splits: [Int]

        var description: String {
            let text = String(decoding: self.bytes, as: UTF8.self).debugDescription
            return "\(self.methods.map(\.rawValue)) \(text) \(self.splits)"
        }
    }

    /// The name and (trimmed) value of each field of a head, in order.
    static func fields(of head: UpstreamResponseHead) -> [(String, String)] {
        let bytes = Array(head.bytes.readableBytesView)
        return head.fields.map {
            (String(decoding: bytes[$0.name], as: UTF8.self), String(decoding: bytes[$0.value], as: UTF8.self))
        }
    }

    /// The raw trailer lines the parser hands out, as name and trimmed value.
    static func trailerFields(_ buffer: ByteBuffer) -> [(String, String)] {
        String(buffer: buffer).split(separator: "\r\n", omittingEmptySubsequences: true).map { line in
            let colon = line.firstIndex(of: ":")!
            return (String(line[..<colon]), String(line[line.index(after: colon)...].trimmingASCIIWhitespace()))
        }
    }

    static let finalStatuses = [200, 201, 204, 304, 404, 500]
    static let reasons = ["OK", "Created", "Not Found", "Internal Server Error", "Some  Reason\twith spaces", "x"]
    static let names = [
        "Server", "Date", "Content-Type", "Cache-Control", "Set-Cookie", "ETag", "Vary", "X-Request-Id",
        "x-lower", "X-UPPER",
    ]
    static let tokenBytes = Array("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
    /// Names a random field must not take: they frame or route the message.
    static let reserved: Set<String> = [
        "content-length", "transfer-encoding", "connection", "upgrade", "keep-alive", "proxy-connection", "te",
        "trailer",
    ]
    static let values = [
        "", "1", "a b", "text/html; charset=utf-8", "W/\"x y\"", "max-age=0,  no-cache", "a\tb",
        "(comment) \\ \"quoted\"", "id=1; Path=/; HttpOnly", "~!@#$%^&*()_+{}|:<>?`-=[];',./", "Mon, 01 Jan 2024",
    ]
    static let whitespace = ["", "", " ", "  ", "\t", " \t "]
    static let bodyPieces = ["a", "bc", "\r\n", "0\r\n\r\n", "HTTP/1.1 200 OK\r\n", "é", "xyz123"]
    static let chunkExtensions = ["", "", ";a", ";a=b", ";q=\"x y\"", ";n=1;m"]
    static let trailerNames = ["X-Checksum", "Server-Timing", "x-t"]

    /// A field line with random optional whitespace around the value; `framing` fields get spaces
    /// only, as llhttp does not skip a tab around `chunked` or `keep-alive` (RFC 9110 §5.6.1 allows
    /// HTAB, and the gateway's parser does).
    /// `Content-Length` of `body`, sometimes with leading zeros.
    static func contentLengthLine(_ body: String, random: inout SplitMix) -> String {
        fieldLine("Content-Length", random.pick(["", "", "0"]) + "\(body.utf8.count)", framing: true, random: &random)
    }

    static func fieldLine(_ name: String, _ value: String, framing: Bool = false, random: inout SplitMix) -> String {
        let pick = { (random: inout SplitMix) in
            framing ? String(repeating: " ", count: random.next(in: 0...2)) : random.pick(whitespace)
        }
        return "\(name):\(pick(&random))\(value)\(pick(&random))\r\n"
    }

    static func randomName(random: inout SplitMix) -> String {
        if random.next(in: 0...1) == 0 { return random.pick(names) }
        while true {
            let name = String((0..<random.next(in: 1...12)).map { _ in random.pick(tokenBytes) })
            if !reserved.contains(name.lowercased()) { return name }
        }
    }

    static func randomHead(status: Int, reason: Bool, http10: Bool, random: inout SplitMix) -> (String, [String]) {
        var statusLine = "HTTP/1.\(http10 ? 0 : 1) \(status)"
        if reason {
            statusLine += " " + random.pick(reasons)
        } else if random.next(in: 0...1) == 0 {
            statusLine += " "
        }
        var fields: [String] = []
        for _ in 0..<random.next(in: 0...5) {
            fields.append(fieldLine(randomName(random: &random), random.pick(values), random: &random))
        }
        return (statusLine + "\r\n", fields)
    }

    /// 1–5 valid responses on one connection; the last one may run until the upstream closes.
    static let connection = Gen.int(in: 0...Int.max).map { seed -> Connection in
        var random = SplitMix(seed: UInt64(truncatingIfNeeded: seed))
        var text: [UInt8] = []
        var methods: [HTTPMethod] = []
        let count = random.next(in: 1...5)
        for index in 0..<count {
            let isLast = index == count - 1
            let method: HTTPMethod = random.next(in: 0...3) == 0 ? .HEAD : .GET
            methods.append(method)
            // Interim responses first.
            if random.next(in: 0...3) == 0 {
                for _ in 0..<random.next(in: 1...2) {
                    let status = random.pick([100, 103])
                    let (statusLine, fields) = randomHead(
                        status: status,
                        reason: random.next(in: 0...3) != 0,
                        http10: false,
                        random: &random
                    )
                    var lines = fields
                    if status == 103 { lines.append("Link: </style.css>; rel=preload; as=style\r\n") }
                    text += Array((statusLine + lines.joined() + "\r\n").utf8)
                }
            }
            let status = random.pick(finalStatuses)
            let http10 = random.next(in: 0...5) == 0
            var (statusLine, fields) = randomHead(
                status: status,
                reason: random.next(in: 0...3) != 0,
                http10: http10,
                random: &random
            )
            func insert(_ line: String) {
                fields.insert(line, at: random.next(in: 0...fields.count))
            }
            if http10 && (!isLast || random.next(in: 0...1) == 0) {
                // (llhttp refuses anything after an HTTP/1.0 response that does not keep the connection.)
                insert(
                    fieldLine("Connection", random.pick(["keep-alive", "Keep-Alive"]), framing: true, random: &random)
                )
            } else if !http10 && isLast && random.next(in: 0...3) == 0 {
                insert(fieldLine("Connection", "close", framing: true, random: &random))
            }
            var body = ""
            for _ in 0..<random.next(in: 0...30) { body += random.pick(bodyPieces) }
            let bodyless = method == .HEAD || status == 204 || status == 304
            if bodyless {
                // A bodyless response may still describe the body it would have had.
                switch (status, random.next(in: 0...2)) {
                case (204, _), (_, 0): break
                case (_, 1):
                    insert(Self.contentLengthLine(body, random: &random))
                default: insert(fieldLine("Transfer-Encoding", "chunked", framing: true, random: &random))
                }
                text += Array((statusLine + fields.joined() + "\r\n").utf8)
                continue
            }
            let framing = http10 ? random.pick(isLast ? [1, 2] : [1]) : random.next(in: 0...(isLast ? 2 : 1))
            switch framing {
            case 0:
                insert(
                    fieldLine(
                        "Transfer-Encoding",
                        random.pick(["chunked", "Chunked", " chunked"]),
                        framing: true,
                        random: &random
                    )
                )
                text += Array((statusLine + fields.joined() + "\r\n").utf8)
                var rest = Array(body.utf8)[...]
                while !rest.isEmpty {
                    let size = min(rest.count, random.next(in: 1...12))
                    let hex = String(size, radix: 16, uppercase: random.next(in: 0...1) == 0)
                    let zeros = String(repeating: "0", count: random.next(in: 0...3) == 0 ? random.next(in: 1...3) : 0)
                    text += Array((zeros + hex + random.pick(chunkExtensions) + "\r\n").utf8)
                    text += rest.prefix(size) + Array("\r\n".utf8)
                    rest = rest.dropFirst(size)
                }
                text += Array(("0" + random.pick(chunkExtensions) + "\r\n").utf8)
                for _ in 0..<(random.next(in: 0...2) == 0 ? random.next(in: 1...2) : 0) {
                    text += Array(fieldLine(random.pick(trailerNames), random.pick(values), random: &random).utf8)
                }
                text += Array("\r\n".utf8)
            case 1:
                insert(Self.contentLengthLine(body, random: &random))
                text += Array((statusLine + fields.joined() + "\r\n" + body).utf8)
            default:
                // No length at all: the body ends when the upstream closes.
                text += Array((statusLine + fields.joined() + "\r\n" + body).utf8)
            }
        }
        var splits: [Int] = []
        var total = 0
        let maxRead = random.pick([1, 7, 64, 64, 512])
        while total < text.count {
            let size = random.next(in: 1...maxRead)
            splits.append(size)
            total += size
        }
        return Connection(bytes: text, methods: methods, splits: splits)
    }

    @Test func parsesLikeNIOsDecoder() async {
        await propertyCheck(count: 300, input: Self.connection) { connection in
            let ours = Self.decodeOurs(connection)
            let nios = Self.decodeNIO(connection)
            #expect(ours != nil, "\(connection)")
            #expect(nios != nil, "\(connection)")
            #expect(ours == nios, "\(connection)")
            // One end per request: no response was lost or invented.
            #expect(ours?.trailers.count == connection.methods.count, "\(connection)")
        }
    }

    /// Drives the parser the way the upstream handler does: each request is sent once the
    /// previous response ended, and the connection's end is reported last.
    static func decodeOurs(_ connection: Connection) -> Decoded? {
        var parser = UpstreamResponseParser(maxHeadBytes: 64 * 1024)
        var methods = connection.methods[...]
        parser.requestSent(isHEAD: methods.removeFirst() == .HEAD)
        var parts: [UpstreamResponseParser.Part] = []
        do {
            let bytes = connection.bytes
            var index = 0
            for size in connection.splits where index < bytes.count {
                let end = min(bytes.count, index + size)
                var buffer = ByteBuffer(bytes: bytes[index..<end])
                index = end
                while let part = try parser.next(&buffer) {
                    parts.append(part)
                    if case .end = part, let method = methods.popFirst() {
                        parser.requestSent(isHEAD: method == .HEAD)
                    }
                }
                // Bytes no request asked for.
                guard buffer.readableBytes == 0 else { return nil }
            }
            if let part = try parser.inputEnded() { parts.append(part) }
            guard parser.isIdle, !parser.isExpectingResponse else { return nil }
            return Decoded(ours: parts, methods: connection.methods)
        } catch {
            return nil
        }
    }

    static func decodeNIO(_ connection: Connection) -> Decoded? {
        let channel = EmbeddedChannel()
        defer { _ = try? channel.finish() }
        do {
            try channel.pipeline.syncOperations.addHandler(HTTPRequestEncoder())
            try channel.pipeline.syncOperations.addHandler(
                ByteToMessageHandler(
                    HTTPResponseDecoder(leftOverBytesStrategy: .forwardBytes, informationalResponseStrategy: .forward)
                )
            )
            // The decoder learns each request's method from the requests written through it.
            for method in connection.methods {
                try channel.writeOutbound(
                    HTTPClientRequestPart.head(HTTPRequestHead(version: .http1_1, method: method, uri: "/"))
                )
                try channel.writeOutbound(HTTPClientRequestPart.end(nil))
            }
            let bytes = connection.bytes
            var index = 0
            for size in connection.splits where index < bytes.count {
                let end = min(bytes.count, index + size)
                try channel.writeInbound(ByteBuffer(bytes: bytes[index..<end]))
                index = end
            }
            channel.pipeline.fireChannelInactive()
            try channel.throwIfErrorCaught()
            var parts: [HTTPClientResponsePart] = []
            while let part = try channel.readInbound(as: HTTPClientResponsePart.self) { parts.append(part) }
            return Decoded(nio: parts, methods: connection.methods)
        } catch {
            return nil
        }
    }
}
