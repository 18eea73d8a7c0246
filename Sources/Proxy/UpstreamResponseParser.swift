import NIOCore
import NIOHTTP1

/// The strict parser of what an upstream connection sends back. It reads one response per
/// request sent (plus any 1xx before it), keeps each head as its bytes
/// (``UpstreamResponseHead``) and hands body bytes out as slices of the read buffer, so a
/// response crosses the gateway without being decoded into `HTTPHeaders` and encoded again.
///
/// Anything that could make the gateway and the client disagree about where a response ends is
/// a ``Failure`` (the client gets 502, or a closed connection once its response started):
/// Content-Length with Transfer-Encoding, a bad or repeated Content-Length, obs-fold, bare CR or
/// LF, whitespace before a colon, control bytes, a bad chunk size, a head over the size limit.
/// A value type; the handler that owns it delivers the parts (``next(_:)`` never calls out, so a
/// delivery may send the next request).
struct UpstreamResponseParser {
    enum Part {
        case head(UpstreamResponseHead)
        /// Body bytes with any chunk framing removed.
        case body(ByteBuffer)
        /// The response ended; the raw trailer field lines of a chunked body (each with its CRLF).
        case end(trailers: ByteBuffer?)
    }

    struct Failure: Error, Equatable, CustomStringConvertible {
        var reason: String
        var description: String { "invalid upstream response: \(self.reason)" }
    }

    enum State: Equatable {
        /// No request is waiting for its response.
        case idle
        case awaitingHead
        case fixedBody(remaining: Int)
        /// A chunk's size line, or the CRLF after its data (``ChunkLineDecoder``).
        case chunkLine
        case chunkData(remaining: Int)
        case trailers
        /// No length: the body ends when the upstream closes.
        case untilClose
        /// After a `101`: the bytes are the tunnel's, not HTTP.
        case upgraded
        case failed
    }

    /// The largest head (or trailer section) accepted, like nginx's `proxy_buffer_size` check.
    let maxHeadBytes: Int
    private(set) var state: State = .idle
    private var requestWasHEAD = false
    private var chunkLine = ChunkLineDecoder(strictness: .lenient)
    /// An incomplete head (or trailer section) carried over from earlier reads.
    private var carried: ByteBuffer?
    /// Where the search for the end of the carried head resumes.
    private var searchFrom = 0
    private var pendingEnd = false
    /// A 1xx head arrived for the current request: its response is under way.
    private var interimReceived = false
    /// The last head's field list, whose memory the next head's fields reuse once the exchange
    /// has let that head go (one allocation fewer per response).
    private var spareFields: [UpstreamResponseHead.Field] = []
    static let maxSpareFields = 64

    init(maxHeadBytes: Int = 64 * 1024) {
        self.maxHeadBytes = maxHeadBytes
    }

    var isIdle: Bool { self.state == .idle && self.carried == nil }
    var isUpgraded: Bool { self.state == .upgraded }
    var isExpectingResponse: Bool {
        switch self.state {
        case .idle, .upgraded, .failed: return false
        default: return true
        }
    }

    /// A request was written: its response comes next (a HEAD's has no body).
    mutating func requestSent(isHEAD: Bool) {
        guard self.state == .idle else { return }
        self.requestWasHEAD = isHEAD
        self.interimReceived = false
        self.state = .awaitingHead
    }

    /// The next part the bytes complete, consuming them from `buffer`; nil when more bytes are
    /// needed (then `buffer` is empty) or when no response is expected (the bytes stay).
    mutating func next(_ buffer: inout ByteBuffer) throws -> Part? {
        do {
            return try self.step(&buffer)
        } catch {
            self.state = .failed
            self.carried = nil
            throw error
        }
    }

    /// The upstream closed its side: ends a body that runs until close; a response cut short is
    /// a ``Failure``. Nil when no response was under way.
    mutating func inputEnded() throws -> Part? {
        if self.pendingEnd {
            // The response's last bytes arrived; only its end was not handed out yet.
            self.pendingEnd = false
            if self.state != .upgraded { self.state = .idle }
            return .end(trailers: nil)
        }
        switch self.state {
        case .untilClose:
            self.state = .idle
            return .end(trailers: nil)
        case .idle, .upgraded, .failed:
            return nil
        case .awaitingHead where self.carried == nil && !self.interimReceived:
            return nil
        default:
            self.state = .failed
            throw Failure(reason: "the upstream closed the connection inside a response")
        }
    }

    // MARK: - Steps

    private mutating func step(_ buffer: inout ByteBuffer) throws -> Part? {
        while true {
            if self.pendingEnd {
                self.pendingEnd = false
                if self.state != .upgraded { self.state = .idle }
                return .end(trailers: nil)
            }
            switch self.state {
            case .idle, .upgraded, .failed:
                return nil
            case .awaitingHead:
                guard let head = try self.takeHead(&buffer) else { return nil }
                return .head(head)
            case .fixedBody(let remaining):
                let take = min(remaining, buffer.readableBytes)
                guard take > 0, let slice = buffer.readSlice(length: take) else { return nil }
                if take == remaining {
                    self.pendingEnd = true
                } else {
                    self.state = .fixedBody(remaining: remaining - take)
                }
                return .body(slice)
            case .untilClose:
                guard buffer.readableBytes > 0, let slice = buffer.readSlice(length: buffer.readableBytes) else {
                    return nil
                }
                return .body(slice)
            case .chunkData(let remaining):
                let take = min(remaining, buffer.readableBytes)
                guard take > 0, let slice = buffer.readSlice(length: take) else { return nil }
                self.state = take == remaining ? .chunkLine : .chunkData(remaining: remaining - take)
                return .body(slice)
            case .trailers:
                guard let trailers = try self.takeTrailers(&buffer) else { return nil }
                self.state = .idle
                return .end(trailers: trailers.readableBytes > 0 ? trailers : nil)
            case .chunkLine:
                guard let byte = buffer.readInteger(as: UInt8.self) else { return nil }
                switch self.chunkLine.step(byte) {
                case .more:
                    break
                case .data(let size):
                    self.state = .chunkData(remaining: size)
                case .lastChunk:
                    self.state = .trailers
                case .invalid(let reason):
                    throw Failure(reason: reason)
                }
            }
        }
    }

    // MARK: - Heads

    /// Takes a complete head or trailer section from the carried bytes and `buffer` (without the
    /// empty line that ends it), or carries what there is.
    private mutating func takeBlock(_ buffer: inout ByteBuffer, allowEmpty: Bool) throws -> ByteBuffer? {
        if var carried = self.carried {
            self.carried = nil
            carried.writeBuffer(&buffer)
            buffer = carried
        }
        let found = buffer.withUnsafeReadableBytes {
            Self.findBlockEnd($0, from: self.searchFrom, allowEmpty: allowEmpty)
        }
        guard let end = found.end else {
            // The bound of a found head below, so that whether a head fits does not depend on how
            // its bytes were split into reads.
            if buffer.readableBytes > self.maxHeadBytes + 4 {
                throw Failure(reason: "response head larger than \(self.maxHeadBytes) bytes")
            }
            self.searchFrom = found.resume
            self.carried = buffer.readableBytes > 0 ? buffer : nil
            buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
            return nil
        }
        self.searchFrom = 0
        guard end <= self.maxHeadBytes + 4 else {
            throw Failure(reason: "response head larger than \(self.maxHeadBytes) bytes")
        }
        // The block must end in CRLF (a bare LF found the end); the caller gets it without that.
        guard end >= 2, var block = buffer.readSlice(length: end),
            block.getInteger(at: block.writerIndex - 2, as: UInt16.self) == 0x0D0A
        else {
            throw Failure(reason: "bare LF")
        }
        block.moveWriterIndex(to: block.writerIndex - 2)
        return block
    }

    private mutating func takeHead(_ buffer: inout ByteBuffer) throws -> UpstreamResponseHead? {
        guard let block = try self.takeBlock(&buffer, allowEmpty: false) else { return nil }
        var fields: [UpstreamResponseHead.Field] = []
        swap(&fields, &self.spareFields)
        let head = try Self.parseHead(block, reusing: consume fields)
        // The list of a head with many fields is not kept for a pooled connection's next response.
        if head.fields.capacity <= Self.maxSpareFields { self.spareFields = head.fields }
        if head.status == 101 {
            self.state = .upgraded
            self.pendingEnd = true
            return head
        }
        if head.isInformational {
            self.interimReceived = true
            return head  // the final response follows
        }
        let bodyless = self.requestWasHEAD || head.status == 204 || head.status == 304
        if bodyless {
            self.pendingEnd = true
        } else {
            switch head.transferCoding {
            case .chunked:
                self.chunkLine.reset()
                self.state = .chunkLine
            case .none:
                if let length = head.contentLength {
                    if length == 0 {
                        self.pendingEnd = true
                    } else {
                        self.state = .fixedBody(remaining: length)
                    }
                } else {
                    self.state = .untilClose
                }
            }
        }
        return head
    }

    private mutating func takeTrailers(_ buffer: inout ByteBuffer) throws -> ByteBuffer? {
        guard let block = try self.takeBlock(&buffer, allowEmpty: true) else { return nil }
        try block.withUnsafeReadableBytes { bytes in
            var start = 0
            while start < bytes.count {
                let end = try Self.lineEnd(bytes, from: start)
                _ = try Self.parseField(bytes, start: start, end: end)
                start = end + 2
            }
        }
        return block
    }

    /// The index just past the empty line ending a head, or nil with where to resume searching.
    /// A bare LF also counts as a line end here, so that such a head is found and then refused.
    static func findBlockEnd(
        _ bytes: UnsafeRawBufferPointer,
        from start: Int,
        allowEmpty: Bool
    ) -> (end: Int?, resume: Int) {
        let count = bytes.count
        if allowEmpty {
            // A trailer section may be empty: the block is just its CRLF.
            if start == 0, count >= 1, bytes[0] == ASCII.lf { return (1, 0) }
            if start == 0, count >= 2, bytes[0] == ASCII.cr, bytes[1] == ASCII.lf { return (2, 0) }
            if start == 0, count < 2 { return (nil, 0) }
        }
        var index = start
        while index < count {
            // From line feed to line feed: the C library's `memchr` reads many bytes at a time.
            index = ASCII.lineFeedIndex(in: bytes, from: index)
            guard index < count else { break }
            let next = index + 1
            guard next < count else { return (nil, index) }
            if bytes[next] == ASCII.lf { return (next + 1, 0) }
            if bytes[next] == ASCII.cr {
                guard next + 1 < count else { return (nil, index) }
                if bytes[next + 1] == ASCII.lf { return (next + 2, 0) }
            }
            index = next
        }
        return (nil, count)
    }

    /// The index of the CR ending the line that starts at `start` (a bare LF is a failure).
    private static func lineEnd(_ bytes: UnsafeRawBufferPointer, from start: Int) throws -> Int {
        let index = ASCII.lineFeedIndex(in: bytes, from: start)
        guard index < bytes.count, index > start, bytes[index - 1] == ASCII.cr else {
            throw Failure(reason: "bare LF")
        }
        return index - 1
    }

    /// Parses a head: the status line and field lines, each ending in CRLF. Its field list is
    /// written into `spare`'s memory when nothing else holds that list any more.
    static func parseHead(
        _ block: ByteBuffer,
        reusing spare: consuming [UpstreamResponseHead.Field] = []
    ) throws -> UpstreamResponseHead {
        var fields = consume spare
        fields.removeAll(keepingCapacity: true)
        if fields.capacity < 16 { fields.reserveCapacity(16) }
        return try block.withUnsafeReadableBytes { bytes in
            let statusEnd = try Self.lineEnd(bytes, from: 0)
            let (version, status, reason) = try Self.parseStatusLine(bytes, end: statusEnd)
            var head = UpstreamResponseHead(
                bytes: block,
                version: version,
                status: status,
                reason: reason,
                fields: []
            )
            // Moved, not copied: a copy would leave the list shared and the first append would
            // allocate anew.
            swap(&head.fields, &fields)
            var transferEncodingSeen = false
            var contentLengthSeen = false
            var upgradeValues = 0
            var start = statusEnd + 2
            while start < bytes.count {
                let end = try Self.lineEnd(bytes, from: start)
                let field = try Self.parseField(bytes, start: start, end: end)
                head.fields.append(field)
                start = end + 2
                let name = bytes[field.name]
                let value = UnsafeRawBufferPointer(rebasing: bytes[field.value])
                switch name.count {
                case 14 where ASCII.equalsCaseInsensitive(name, "content-length"):
                    guard !contentLengthSeen else { throw Failure(reason: "repeated Content-Length") }
                    contentLengthSeen = true
                    guard let length = ContentLengthValue.parse(value) else {
                        throw Failure(reason: "invalid Content-Length")
                    }
                    head.contentLength = length
                case 17 where ASCII.equalsCaseInsensitive(name, "transfer-encoding"):
                    // `chunked` alone, once, as nginx requires: a coding the gateway does not
                    // decode (`gzip, chunked`) would reach the client unannounced once the
                    // framing is redone, and `chunked` twice would deliver the inner framing as
                    // content (RFC 9112 §6.1 forbids it).
                    guard !transferEncodingSeen else { throw Failure(reason: "repeated Transfer-Encoding") }
                    transferEncodingSeen = true
                    var codings = 0
                    var chunked = false
                    FieldValueList.forEachElement(of: value, emptyElements: .skipped) {
                        codings += 1
                        chunked = ASCII.equalsCaseInsensitive($0, "chunked")
                    }
                    guard codings == 1, chunked else { throw Failure(reason: "unsupported Transfer-Encoding") }
                    head.transferCoding = .chunked
                case 10 where ASCII.equalsCaseInsensitive(name, "connection"):
                    FieldValueList.forEachElement(of: value, emptyElements: .skipped) { token in
                        if ASCII.equalsCaseInsensitive(token, "close") {
                            head.connectionClose = true
                        } else if ASCII.equalsCaseInsensitive(token, "keep-alive") {
                            head.connectionKeepAlive = true
                        } else if !ForwardingHeaderPolicy.isFixedHopByHop(token) {
                            head.connectionNamesFields = true
                        }
                    }
                case 7 where ASCII.equalsCaseInsensitive(name, "upgrade"):
                    FieldValueList.forEachElement(of: value, emptyElements: .skipped) { token in
                        upgradeValues += 1
                        head.upgradeIsWebSocket = ASCII.equalsCaseInsensitive(token, "websocket")
                    }
                default:
                    break
                }
            }
            if upgradeValues != 1 { head.upgradeIsWebSocket = false }
            if transferEncodingSeen && contentLengthSeen {
                throw Failure(reason: "Content-Length with Transfer-Encoding")
            }
            return head
        }
    }

    /// `HTTP/1.x SP 3DIGIT [SP reason-phrase]` (the space before an empty reason is optional, as
    /// servers omit it).
    private static func parseStatusLine(
        _ bytes: UnsafeRawBufferPointer,
        end: Int
    ) throws -> (HTTPVersion, Int, Range<Int>) {
        guard end >= 12, bytes[0..<5].elementsEqual("HTTP/".utf8), bytes[5] == UInt8(ascii: "1"),
            bytes[6] == ASCII.dot, bytes[8] == ASCII.space
        else {
            throw Failure(reason: "malformed status line")
        }
        let version: HTTPVersion
        switch bytes[7] {
        case UInt8(ascii: "1"): version = .http1_1
        case UInt8(ascii: "0"): version = .http1_0
        default: throw Failure(reason: "unsupported HTTP version")
        }
        var status = 0
        for index in 9..<12 {
            guard ASCII.isDigit(bytes[index]) else { throw Failure(reason: "malformed status code") }
            status = status * 10 + Int(bytes[index] - ASCII.zero)
        }
        guard status >= 100 else { throw Failure(reason: "malformed status code") }
        if end == 12 { return (version, status, 12..<12) }
        guard bytes[12] == ASCII.space else { throw Failure(reason: "malformed status code") }
        for index in 13..<end where !ASCII.isFieldValueByte(bytes[index]) {
            throw Failure(reason: "control byte in reason phrase")
        }
        return (version, status, 13..<end)
    }

    /// The field line between `start` and the CR at `end`.
    private static func parseField(
        _ bytes: UnsafeRawBufferPointer,
        start: Int,
        end: Int
    ) throws -> UpstreamResponseHead.Field {
        switch FieldLineSyntax.parse(bytes, start: start, end: end) {
        case .failure(let problem):
            throw Failure(reason: problem.reason)
        case .success(let parts):
            return UpstreamResponseHead.Field(name: parts.name, value: parts.value, line: start..<(end + 2))
        }
    }
}
