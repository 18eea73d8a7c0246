import HTTPHead
import NIOHTTP1

/// The strict RFC 9112 request parser of the client side. It follows the message framing across
/// pipelined requests (head, fixed-length or chunked body) and refuses anything ambiguous —
/// obs-fold, bare CR/LF, whitespace before a colon, control bytes, Content-Length +
/// Transfer-Encoding, bad or conflicting Content-Length, a transfer coding other than a single
/// `chunked`, bad chunk sizes or extensions — so that the gateway and the upstream can never
/// disagree about where a request ends. What it accepts it also decodes (``Part``): every request
/// byte is parsed once, by this parser (``RequestDecodingHandler``).
///
/// A value type fed chunk by chunk.
public struct RequestParser: Sendable {
    /// A decoded piece of the request stream, reported in order by ``consume(_:onPart:)``.
    public enum Part: Sendable, Equatable {
        /// A request head and the framing of its body, as this parser decided it (the one place
        /// a request's framing is computed; the exchange carries it on).
        case head(RequestHead, MessageFraming)
        /// Body bytes (chunk framing removed): these indices of the bytes just fed.
        case body(Range<Int>)
        /// The message ended; the trailer fields of a chunked body, if it had any.
        case end(HTTPHeaders?)
    }

    /// The result of feeding one chunk of bytes.
    public struct Outcome: Sendable, Equatable {
        /// How many leading bytes of the chunk belong to requests (or parts of them) that
        /// validated; bytes of a head count only once the whole head validated.
        public var acceptedBytes: Int
        /// Bytes from this index on belong to a head still incomplete, or follow an upgrade
        /// request whose outcome is pending (the decoding handler holds the latter).
        public var heldFrom: Int?
        /// Set when the stream is invalid; nothing after `acceptedBytes` may be passed on.
        public var rejection: RequestRejection?
        /// A new request head started in this chunk (for the header-read timeout).
        public var headStarted: Bool
    }

    enum State: Sendable, Equatable {
        case betweenMessages
        case leadingCR
        case head
        case fixedBody(remaining: Int)
        /// A chunk's size line, or the CRLF after its data (``ChunkLineDecoder``).
        case chunkLine
        case chunkData(remaining: Int)
        case trailers
        /// After an upgrade request (as llhttp sees one) or CONNECT: bytes are held until the
        /// outcome is known (``upgradeAccepted()`` / ``upgradeRefused()``).
        case upgradePending
        case passthrough
        case failed
    }

    public let limits: RequestLimits
    private(set) var state: State = .betweenMessages
    private var headBytes: [UInt8] = []
    private var lineEnds: [Int] = []
    /// The last head's fields, whose memory the next head's fields reuse once the exchange has
    /// let that head go (two allocations fewer per request on a keep-alive connection); kept only
    /// up to ``maxSpareFieldBytes``.
    private var spareFields = RequestFields()
    static let maxSpareFieldBytes = 4096
    private var pendingCR = false
    private var passthroughAfterMessage = false
    private var chunkLine = ChunkLineDecoder(strictness: .strict)
    /// Parts completed inside a byte step, reported by ``consume(_:onPart:)`` right after it.
    private var readyHead: (head: RequestHead, framing: MessageFraming)?
    private var readyEnd = false
    private var readyTrailers: HTTPHeaders?

    public init(limits: RequestLimits = RequestLimits()) {
        self.limits = limits
        self.headBytes.reserveCapacity(1024)
    }

    /// True while a request head has started but is not complete (the header-read timeout runs).
    public var isReadingHead: Bool {
        switch self.state {
        case .head, .leadingCR: return true
        default: return false
        }
    }

    /// True once the connection stopped being HTTP (a tunnel): bytes pass unchecked.
    public var isPassthrough: Bool { self.state == .passthrough }

    /// True while an upgrade request waits for its answer (later bytes are held).
    public var isAwaitingUpgradeOutcome: Bool { self.state == .upgradePending }

    /// True once the stream was rejected: nothing more is accepted.
    public var isFailed: Bool { self.state == .failed }

    /// The upstream accepted the upgrade: everything from now on is tunnel bytes.
    public mutating func upgradeAccepted() {
        self.state = .passthrough
    }

    /// The upgrade was refused: HTTP continues; held bytes must be fed again.
    public mutating func upgradeRefused() {
        guard self.state == .upgradePending else { return }
        self.passthroughAfterMessage = false
        self.state = .betweenMessages
    }

    /// Feeds bytes; returns how many were accepted and whether the stream was rejected.
    public mutating func consume(_ bytes: UnsafeRawBufferPointer) -> Outcome {
        self.consume(bytes) { _ in }
    }

    /// Feeds bytes, reporting each decoded part as it completes; returns how many were accepted
    /// and whether the stream was rejected (no part is reported for bytes after a rejection).
    public mutating func consume(_ bytes: UnsafeRawBufferPointer, onPart: (Part) -> Void) -> Outcome {
        var outcome = Outcome(acceptedBytes: 0, heldFrom: nil, rejection: nil, headStarted: false)
        var index = 0
        let count = bytes.count
        while index < count {
            // A CRLF that arrived whole ends a head line in one step, not in a step per byte.
            var lineEndsWhole = false
            switch self.state {
            case .failed:
                return outcome
            case .passthrough:
                outcome.acceptedBytes = count
                return outcome
            case .upgradePending:
                outcome.heldFrom = outcome.acceptedBytes
                return outcome
            case .fixedBody(let remaining):
                let take = min(remaining, count - index)
                onPart(.body(index..<(index + take)))
                index += take
                if take == remaining {
                    self.finishMessage()
                    self.reportReadyParts(onPart)
                } else {
                    self.state = .fixedBody(remaining: remaining - take)
                }
                outcome.acceptedBytes = index
                continue
            case .chunkData(let remaining):
                let take = min(remaining, count - index)
                onPart(.body(index..<(index + take)))
                index += take
                self.state = take == remaining ? .chunkLine : .chunkData(remaining: remaining - take)
                outcome.acceptedBytes = index
                continue
            case .head where !self.pendingCR:
                // The bytes of a line up to its CR (or a bare LF) in one go.
                let end = ASCII.lineBreakIndex(in: bytes, from: index)
                let lineBytesTaken = end > index
                if lineBytesTaken {
                    if var rejection = self.appendHeadBytes(UnsafeRawBufferPointer(rebasing: bytes[index..<end])) {
                        rejection.requestLine = self.receivedRequestLine()
                        self.state = .failed
                        outcome.rejection = rejection
                        return outcome
                    }
                    index = end
                }
                lineEndsWhole = index + 1 < count && bytes[index] == ASCII.cr && bytes[index + 1] == ASCII.lf
                if lineBytesTaken && !lineEndsWhole { continue }
            default:
                break
            }
            let rejection =
                lineEndsWhole ? self.endHeadLine() : self.step(bytes[index], headStarted: &outcome.headStarted)
            if var rejection {
                if self.state == .head { rejection.requestLine = self.receivedRequestLine() }
                self.state = .failed
                self.discardReadyParts()
                outcome.rejection = rejection
                return outcome
            }
            index += lineEndsWhole ? 2 : 1
            if !self.isReadingHead { outcome.acceptedBytes = index }
            if self.readyHead != nil || self.readyEnd { self.reportReadyParts(onPart) }
        }
        if self.isReadingHead { outcome.heldFrom = outcome.acceptedBytes }
        return outcome
    }

    /// The head's first line as received so far (all of it once its CRLF came).
    private func receivedRequestLine() -> [UInt8] {
        Array(self.headBytes.prefix(self.lineEnds.first ?? self.headBytes.count))
    }

    /// Marks the stream as failed (e.g. after a timeout) so nothing more is accepted.
    public mutating func fail() {
        self.state = .failed
    }

    private mutating func finishMessage() {
        self.readyEnd = true
        self.state = self.passthroughAfterMessage ? .upgradePending : .betweenMessages
    }

    private mutating func reportReadyParts(_ onPart: (Part) -> Void) {
        if let ready = self.readyHead {
            self.readyHead = nil
            onPart(.head(ready.head, ready.framing))
        }
        if self.readyEnd {
            let trailers = self.readyTrailers
            self.discardReadyParts()
            onPart(.end(trailers))
        }
    }

    private mutating func discardReadyParts() {
        self.readyHead = nil
        self.readyEnd = false
        self.readyTrailers = nil
    }

    // MARK: - Byte steps

    private mutating func step(_ byte: UInt8, headStarted: inout Bool) -> RequestRejection? {
        switch self.state {
        case .betweenMessages:
            switch byte {
            case ASCII.cr:
                self.state = .leadingCR
            case ASCII.lf:
                return RequestRejection(.badRequest, "bare LF")
            default:
                headStarted = true
                self.headBytes.removeAll(keepingCapacity: true)
                self.lineEnds.removeAll(keepingCapacity: true)
                self.pendingCR = false
                self.state = .head
                return self.headByte(byte)
            }
        case .leadingCR:
            guard byte == ASCII.lf else { return RequestRejection(.badRequest, "bare CR") }
            self.state = .betweenMessages
        case .head:
            return self.headByte(byte)
        case .chunkLine:
            switch self.chunkLine.step(byte) {
            case .more:
                break
            case .data(let size):
                self.state = .chunkData(remaining: size)
            case .lastChunk:
                self.headBytes.removeAll(keepingCapacity: true)
                self.lineEnds.removeAll(keepingCapacity: true)
                self.pendingCR = false
                self.state = .trailers
            case .invalid(let reason):
                return RequestRejection(.badRequest, reason)
            }
        case .trailers:
            return self.trailerByte(byte)
        case .fixedBody, .chunkData, .passthrough, .upgradePending, .failed:
            preconditionFailure("handled in bulk")
        }
        return nil
    }

    /// Accumulates head bytes without CR/LF, recording where each line ends.
    private mutating func headByte(_ byte: UInt8) -> RequestRejection? {
        if self.pendingCR {
            guard byte == ASCII.lf else { return RequestRejection(.badRequest, "bare CR") }
            self.pendingCR = false
            return self.endHeadLine()
        }
        switch byte {
        case ASCII.cr:
            self.pendingCR = true
        case ASCII.lf:
            return RequestRejection(.badRequest, "bare LF")
        default:
            return withUnsafeBytes(of: byte) { self.appendHeadBytes($0) }
        }
        return nil
    }

    /// A head line's CRLF: the line is recorded, or — an empty line after the request line and the
    /// fields — the head is complete.
    private mutating func endHeadLine() -> RequestRejection? {
        let lineStart = self.lineEnds.last ?? 0
        if self.headBytes.count == lineStart && !self.lineEnds.isEmpty {
            return self.completeHead()
        }
        self.lineEnds.append(self.headBytes.count)
        if self.lineEnds.count - 1 > self.limits.maxHeaderCount {
            return RequestRejection(.requestHeaderFieldsTooLarge, "too many header lines")
        }
        return nil
    }

    /// Appends bytes of a head line (no CR or LF among them), enforcing the size limits.
    private mutating func appendHeadBytes(_ bytes: UnsafeRawBufferPointer) -> RequestRejection? {
        self.headBytes.append(contentsOf: bytes)
        if self.lineEnds.isEmpty {
            if self.headBytes.count > self.limits.maxRequestLineBytes {
                return RequestRejection(.uriTooLong, "request line too long")
            }
        } else {
            let fieldBytes = self.headBytes.count - self.lineEnds[0] + 2 * (self.lineEnds.count - 1)
            if fieldBytes > self.limits.maxHeaderBytes {
                return RequestRejection(.requestHeaderFieldsTooLarge, "header section too large")
            }
        }
        return nil
    }

    private mutating func trailerByte(_ byte: UInt8) -> RequestRejection? {
        if self.pendingCR {
            guard byte == ASCII.lf else { return RequestRejection(.badRequest, "bare CR in trailer") }
            self.pendingCR = false
            let lineStart = self.lineEnds.last ?? 0
            if self.headBytes.count == lineStart {
                if !self.lineEnds.isEmpty { self.readyTrailers = self.trailerFields() }
                self.finishMessage()
                return nil
            }
            if let rejection = Self.validateFieldLine(self.headBytes[lineStart..<self.headBytes.count]) {
                return rejection
            }
            self.lineEnds.append(self.headBytes.count)
            if self.lineEnds.count > self.limits.maxHeaderCount {
                return RequestRejection(.requestHeaderFieldsTooLarge, "too many trailer lines")
            }
            return nil
        }
        switch byte {
        case ASCII.cr:
            self.pendingCR = true
        case ASCII.lf:
            return RequestRejection(.badRequest, "bare LF in trailer")
        default:
            self.headBytes.append(byte)
            if self.headBytes.count > self.limits.maxHeaderBytes {
                return RequestRejection(.requestHeaderFieldsTooLarge, "trailer section too large")
            }
        }
        return nil
    }

    // MARK: - Head semantics

    private mutating func completeHead() -> RequestRejection? {
        switch self.parseHead() {
        case .failure(let rejection):
            return rejection
        case .success(let framing):
            switch framing {
            case .none, .length(0), .untilClose:  // never untilClose: a request is not framed by a close
                self.finishMessage()
            case .length(let length):
                self.state = .fixedBody(remaining: length)
            case .chunked:
                self.chunkLine.reset()
                self.state = .chunkLine
            }
            return nil
        }
    }

    private mutating func parseHead() -> Result<MessageFraming, RequestRejection> {
        let requestLine: RequestLine
        switch Self.validateRequestLine(self.headBytes[0..<self.lineEnds[0]]) {
        case .failure(let rejection): return .failure(rejection)
        case .success(let value): requestLine = value
        }
        let isHTTP10 = requestLine.isHTTP10
        let isConnect = ASCII.equalsCaseInsensitive(requestLine.method, "connect")
        // Each field's line is kept as received, its CRLF added: its bytes and 2 more.
        var spare = RequestFields()
        swap(&spare, &self.spareFields)
        var fields = RequestFields(
            reusing: consume spare,
            reservingBytes: self.headBytes.count - self.lineEnds[0] + 2 * (self.lineEnds.count - 1),
            fields: self.lineEnds.count - 1
        )

        var reading = HeadFieldReading()
        self.passthroughAfterMessage = false
        // One pass over the field lines where they lie: no slice of the head (and no retain of its
        // buffer) per line, name and value; the name's length picks the one rule worth comparing.
        let lineEnds = self.lineEnds
        let fieldsRejection: RequestRejection? = self.headBytes.withUnsafeBytes { head in
            var start = lineEnds[0]
            for end in lineEnds.dropFirst() {
                let parts: FieldLineSyntax.Parts
                switch FieldLineSyntax.parse(head, start: start, end: end) {
                case .failure(let problem): return RequestRejection(.badRequest, problem.reason)
                case .success(let value): parts = value
                }
                // The line as the client sent it: its spacing around the colon and the value too.
                fields.append(
                    line: UnsafeRawBufferPointer(rebasing: head[start..<end]),
                    name: (parts.name.lowerBound - start)..<(parts.name.upperBound - start),
                    value: (parts.value.lowerBound - start)..<(parts.value.upperBound - start)
                )
                start = end
                let name = UnsafeRawBufferPointer(rebasing: head[parts.name])
                let value = UnsafeRawBufferPointer(rebasing: head[parts.value])
                if let rejection = reading.read(name: name, value: value) { return rejection }
            }
            return nil
        }
        if let fieldsRejection { return .failure(fieldsRejection) }
        if !isHTTP10 && reading.hostLines != 1 {
            return .failure(RequestRejection(.badRequest, reading.hostLines == 0 ? "missing Host" : "repeated Host"))
        }
        if reading.hostLines > 1 {
            return .failure(RequestRejection(.badRequest, "repeated Host"))
        }
        // The same rule as llhttp's: NIO's decoder stops after such a request.
        if (reading.hasUpgrade && reading.connectionUpgrade) || isConnect {
            self.passthroughAfterMessage = true
        }
        let framing: MessageFraming
        if reading.hasTransferEncoding {
            if isHTTP10 { return .failure(RequestRejection(.badRequest, "Transfer-Encoding in HTTP/1.0")) }
            if reading.contentLengthLines > 0 {
                return .failure(RequestRejection(.badRequest, "Content-Length with Transfer-Encoding"))
            }
            guard reading.transferCodings == ["chunked"] else {
                return .failure(RequestRejection(.badRequest, "unsupported Transfer-Encoding"))
            }
            framing = .chunked
        } else if let contentLength = reading.contentLength {
            framing = .length(contentLength)
        } else {
            framing = .none
        }
        // A large head's memory is not kept for a connection that may now stay idle for long.
        if fields.reservedBytes <= Self.maxSpareFieldBytes { self.spareFields = fields }
        let uri = Self.targetText(requestLine.target)
        let head = RequestHead(
            method: HTTPMethod(rawValue: String(decoding: requestLine.method, as: UTF8.self)),
            uri: uri,
            version: isHTTP10 ? .http1_0 : .http1_1,
            fields: fields,
            // Only a target that is not UTF-8 is not its text (whose length then differs).
            receivedTarget: uri.utf8.count == requestLine.target.count ? nil : Array(requestLine.target)
        )
        self.readyHead = (head, framing)
        return .success(framing)
    }

    /// The trailer field lines held in `headBytes` (each validated) as headers.
    private func trailerFields() -> HTTPHeaders {
        var fields: [(String, String)] = []
        var start = 0
        for end in self.lineEnds {
            let line = self.headBytes[start..<end]
            start = end
            guard case .success(let parts) = Self.fieldParts(line) else { continue }
            fields.append(Self.field(name: parts.name, value: parts.value))
        }
        return HTTPHeaders(fields)
    }

    /// A field as the decoder reports it: the name as received (a token: ASCII), the value
    /// without surrounding whitespace, one scalar per byte (``FieldValueEncoding``) so that the
    /// writers put back exactly the bytes that arrived.
    private static func field(name: ArraySlice<UInt8>, value: ArraySlice<UInt8>) -> (String, String) {
        (String(decoding: name, as: UTF8.self), FieldValueEncoding.decode(value))
    }

    /// The target as the decided head carries it. ASCII and valid UTF-8 stay as received (a
    /// `String` holds them exactly, and the Gate reads raw UTF-8 by its decoded meaning); a target
    /// that is not UTF-8 is read as ``NonUTF8Target/text(of:)`` and forwarded as received.
    static func targetText(_ target: ArraySlice<UInt8>) -> String {
        guard target.contains(where: { $0 >= 0x80 }) else { return String(decoding: target, as: UTF8.self) }
        if let text = String(validating: target, as: UTF8.self) { return text }
        return NonUTF8Target.text(of: target)
    }

    /// The parts of a valid request line.
    struct RequestLine: Equatable {
        var method: ArraySlice<UInt8>
        var target: ArraySlice<UInt8>
        var isHTTP10: Bool
    }

    /// `method SP request-target SP HTTP/1.x`.
    static func validateRequestLine(_ line: ArraySlice<UInt8>) -> Result<RequestLine, RequestRejection> {
        // Exactly two spaces (found by index, not `split`: this runs for every request).
        guard let firstSpace = line.firstIndex(of: ASCII.space),
            let secondSpace = line[(firstSpace + 1)...].firstIndex(of: ASCII.space),
            !line[(secondSpace + 1)...].contains(ASCII.space)
        else {
            return .failure(RequestRejection(.badRequest, "malformed request line"))
        }
        let method = line[line.startIndex..<firstSpace]
        let target = line[(firstSpace + 1)..<secondSpace]
        let version = line[(secondSpace + 1)...]
        guard !method.isEmpty, !target.isEmpty else {
            return .failure(RequestRejection(.badRequest, "malformed request line"))
        }
        guard method.allSatisfy(ASCII.isTokenByte) else {
            return .failure(RequestRejection(.badRequest, "invalid method"))
        }
        // Bytes above 0x7F are accepted, as nginx and HAProxy do: clients send file names such as
        // `/customer/1/files/отчёт.pdf` without percent-encoding them.
        guard target.allSatisfy({ $0 > 0x20 && $0 != 0x7F }) else {
            return .failure(RequestRejection(.badRequest, "invalid byte in request target"))
        }
        if version.elementsEqual("HTTP/1.1".utf8) {
            return .success(RequestLine(method: method, target: target, isHTTP10: false))
        }
        if version.elementsEqual("HTTP/1.0".utf8) {
            return .success(RequestLine(method: method, target: target, isHTTP10: true))
        }
        if version.count == 8, version.starts(with: "HTTP/".utf8) {
            let bytes = Array(version)
            if ASCII.isDigit(bytes[5]) && bytes[6] == ASCII.dot && ASCII.isDigit(bytes[7]) {
                return .failure(RequestRejection(.httpVersionNotSupported, "unsupported HTTP version"))
            }
        }
        return .failure(RequestRejection(.badRequest, "malformed HTTP version"))
    }

    /// The name and the value (without surrounding whitespace) of a valid field line
    /// (``FieldLineSyntax``), or the 400 that refuses it.
    static func fieldParts(
        _ line: ArraySlice<UInt8>
    ) -> Result<(name: ArraySlice<UInt8>, value: ArraySlice<UInt8>), RequestRejection> {
        switch line.withUnsafeBytes({ FieldLineSyntax.parse($0, start: 0, end: $0.count) }) {
        case .failure(let problem):
            return .failure(RequestRejection(.badRequest, problem.reason))
        case .success(let parts):
            let base = line.startIndex
            return .success(
                (
                    line[(base + parts.name.lowerBound)..<(base + parts.name.upperBound)],
                    line[(base + parts.value.lowerBound)..<(base + parts.value.upperBound)]
                )
            )
        }
    }

    /// A valid field line, or the 400 that refuses it.
    static func validateFieldLine(_ line: ArraySlice<UInt8>) -> RequestRejection? {
        guard case .failure(let rejection) = Self.fieldParts(line) else { return nil }
        return rejection
    }

}
