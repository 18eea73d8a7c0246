import NIOCore

// `head-proxy`: what the byte-native HTTP/1.1 exchange proposed in docs/BENCHMARKS.md would cost
// in SwiftNIO, as a ceiling to set against nginx's proxy. Per request it does the gateway's work
// on bytes, never building a string but the host's: the head found (CRLF CRLF), its request line
// and fields read as ranges of the bytes read, the tenant found by the host's first label in a
// table of 10,000, a path class read from the target's first segment, the upstream's head written
// as the client's field lines (less `Connection`) plus `X-Forwarded-For`, `X-Forwarded-Proto` and
// `X-Request-Id`, and the upstream's answer passed on with `X-Request-Id` added to its head and
// its `Content-Length` counted down to find its end. Left out, and so not measured: validation
// of every byte (the gateway's parser), the full Gate (canonical readings of the target, the
// header hygiene), bodies, pipelining, timeouts, the access log, metrics. One upstream
// connection per client connection, as `tcp-proxy`.

/// The frozen tenants, one in ten of 10,000: the gateway's snapshot in miniature.
enum HeadProxyTenants {
    static let frozen: Set<String> = Set(
        (1...10_000).filter { $0 % 10 == 0 }.map {
            "t" + String(repeating: "0", count: 5 - String($0).count) + String($0)
        }
    )
}

/// Byte helpers over a buffer's readable bytes.
enum HeadBytes {
    static let crlfcrlf: [UInt8] = [13, 10, 13, 10]

    /// The offset, from the reader index, just past the first CR LF CR LF; nil when there is none.
    static func headEnd(_ buffer: ByteBuffer) -> Int? {
        buffer.withUnsafeReadableBytes { bytes -> Int? in
            guard bytes.count >= 4 else { return nil }
            var index = 0
            while index + 3 < bytes.count {
                if bytes[index + 3] != 10 {
                    index += 1
                    continue
                }
                if bytes[index] == 13, bytes[index + 1] == 10, bytes[index + 2] == 13 { return index + 4 }
                index += 1
            }
            return nil
        }
    }

    /// Where the line starting at `start` ends: the offset of its CR LF (the count when none).
    static func lineEnd(_ bytes: UnsafeRawBufferPointer, from start: Int) -> Int {
        var end = start
        while end + 1 < bytes.count, !(bytes[end] == 13 && bytes[end + 1] == 10) { end += 1 }
        return end + 1 < bytes.count ? end : bytes.count
    }

    /// Calls `body` with each field line from `start` to the blank line: the line with its CR LF,
    /// and the name (before the colon).
    static func forEachField(
        _ bytes: UnsafeRawBufferPointer,
        from start: Int,
        _ body: (_ line: Range<Int>, _ name: Range<Int>) -> Void
    ) {
        var start = start
        while start + 1 < bytes.count, !(bytes[start] == 13 && bytes[start + 1] == 10) {
            let end = Self.lineEnd(bytes, from: start)
            var colon = start
            while colon < end, bytes[colon] != UInt8(ascii: ":") { colon += 1 }
            body(start..<min(end + 2, bytes.count), start..<colon)
            start = end + 2
        }
    }

    static func equalsLowercased(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, _ name: StaticString) -> Bool {
        guard range.count == name.utf8CodeUnitCount else { return false }
        return name.withUTF8Buffer { expected in
            for (offset, index) in range.enumerated() {
                let byte = bytes[index]
                if (byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte) != expected[offset] { return false }
            }
            return true
        }
    }

    static func decimal(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> Int? {
        var value = 0
        var digits = 0
        for index in range {
            let byte = bytes[index]
            if byte == 0x20 || byte == 0x09 { continue }
            guard byte >= 0x30, byte <= 0x39 else { return nil }
            value = value * 10 + Int(byte - 0x30)
            digits += 1
        }
        return digits > 0 ? value : nil
    }
}

/// The client side: reads heads, decides, writes the upstream's head.
final class HeadProxyClient: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = NIOAny
    typealias OutboundOut = ByteBuffer

    static let hexDigits = Array("0123456789abcdef".utf8)

    /// Set once the upstream connection is up; reads wait for it.
    var upstream: HeadProxyUpstream? {
        didSet {
            if self.upstream != nil, self.readPending {
                self.readPending = false
                self.context?.read()
            }
        }
    }
    private var readPending = false
    private(set) var context: ChannelHandlerContext?
    private var pending: ByteBuffer?
    private var requestCounter: UInt64 = 0
    private var clientAddress: [UInt8] = Array("127.0.0.1".utf8)

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if let ip = context.channel.remoteAddress?.ipAddress { self.clientAddress = Array(ip.utf8) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        self.upstream = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var input = Self.unwrapInboundIn(data)
        if var pending = self.pending {
            self.pending = nil
            pending.writeBuffer(&input)
            input = pending
        }
        while let end = HeadBytes.headEnd(input), let head = input.readSlice(length: end) {
            self.handle(head, context: context)
        }
        if input.readableBytes > 0 { self.pending = input }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        self.upstream?.context?.flush()
        context.flush()
    }

    func channelInactive(context: ChannelHandlerContext) { self.upstream?.context?.close(promise: nil) }

    func errorCaught(context: ChannelHandlerContext, error: any Error) { context.close(promise: nil) }

    func read(context: ChannelHandlerContext) {
        if self.upstream == nil {
            self.readPending = true
        } else {
            context.read()
        }
    }

    private func handle(_ head: ByteBuffer, context: ChannelHandlerContext) {
        self.requestCounter &+= 1
        var requestID = [UInt8](repeating: 0, count: 16)
        var id = self.requestCounter
        for index in (0..<16).reversed() {
            requestID[index] = Self.hexDigits[Int(id & 0xF)]
            id >>= 4
        }
        var out = context.channel.allocator.buffer(capacity: head.readableBytes + 128)
        var blocked = false
        head.withUnsafeReadableBytes { bytes in
            // The request line: METHOD SP TARGET SP VERSION CR LF.
            let lineEnd = HeadBytes.lineEnd(bytes, from: 0)
            var targetStart = 0
            while targetStart < lineEnd, bytes[targetStart] != 0x20 { targetStart += 1 }
            targetStart += 1
            var targetEnd = targetStart
            while targetEnd < lineEnd, bytes[targetEnd] != 0x20 { targetEnd += 1 }
            out.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[0..<(lineEnd + 2)]))
            // The fields: copied line by line, `Connection` left out, `Host` read.
            var hostRange = 0..<0
            HeadBytes.forEachField(bytes, from: lineEnd + 2) { line, name in
                if HeadBytes.equalsLowercased(bytes, name, "host") {
                    var valueStart = name.upperBound + 1
                    while valueStart < line.upperBound - 2, bytes[valueStart] == 0x20 { valueStart += 1 }
                    hostRange = valueStart..<(line.upperBound - 2)
                }
                if !HeadBytes.equalsLowercased(bytes, name, "connection") {
                    out.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[line]))
                }
            }
            // The tenant: the host's first label, looked up as a string (as the snapshot's table).
            var labelEnd = hostRange.lowerBound
            while labelEnd < hostRange.upperBound, bytes[labelEnd] != UInt8(ascii: ".") { labelEnd += 1 }
            let tenant = String(
                decoding: UnsafeRawBufferPointer(rebasing: bytes[hostRange.lowerBound..<labelEnd]),
                as: UTF8.self
            )
            // The class: the target's first segment; a frozen tenant keeps `/customer` and `/api`.
            var segmentEnd = targetStart + 1
            while segmentEnd < targetEnd, bytes[segmentEnd] != UInt8(ascii: "/"), bytes[segmentEnd] != UInt8(ascii: "?")
            {
                segmentEnd += 1
            }
            let segment = (targetStart + 1)..<segmentEnd
            let allowed =
                HeadBytes.equalsLowercased(bytes, segment, "customer")
                || HeadBytes.equalsLowercased(bytes, segment, "api")
                || HeadBytes.equalsLowercased(bytes, segment, "file.bin")
            blocked = HeadProxyTenants.frozen.contains(tenant) && !allowed
        }
        if blocked {
            var answer = context.channel.allocator.buffer(capacity: 128)
            answer.writeStaticString("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nX-Request-Id: ")
            answer.writeBytes(requestID)
            answer.writeStaticString("\r\n\r\n")
            context.write(Self.wrapOutboundOut(answer), promise: nil)
            return
        }
        out.writeStaticString("X-Forwarded-For: ")
        out.writeBytes(self.clientAddress)
        out.writeStaticString("\r\nX-Forwarded-Proto: http\r\nX-Request-Id: ")
        out.writeBytes(requestID)
        out.writeStaticString("\r\n\r\n")
        self.upstream?.expect(requestID: requestID)
        self.upstream?.context?.write(NIOAny(out), promise: nil)
    }
}

/// The upstream side: finds each answer's head, adds the request ID, counts its body down.
final class HeadProxyUpstream: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    var client: HeadProxyClient?
    private(set) var context: ChannelHandlerContext?
    private var pending: ByteBuffer?
    private var remainingBody = 0
    private var requestIDs: [[UInt8]] = []

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        self.client = nil
    }

    func expect(requestID: [UInt8]) { self.requestIDs.append(requestID) }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let clientContext = self.client?.context else { return }
        var input = Self.unwrapInboundIn(data)
        if var pending = self.pending {
            self.pending = nil
            pending.writeBuffer(&input)
            input = pending
        }
        var out = clientContext.channel.allocator.buffer(capacity: input.readableBytes + 64)
        while input.readableBytes > 0 {
            if self.remainingBody > 0 {
                let take = min(self.remainingBody, input.readableBytes)
                if var body = input.readSlice(length: take) { out.writeBuffer(&body) }
                self.remainingBody -= take
                continue
            }
            guard let end = HeadBytes.headEnd(input), let head = input.readSlice(length: end) else { break }
            var length = 0
            head.withUnsafeReadableBytes { bytes in
                // The status line, then the fields less `Connection` (hop by hop), as the gateway.
                let fieldsStart = HeadBytes.lineEnd(bytes, from: 0) + 2
                out.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[0..<fieldsStart]))
                HeadBytes.forEachField(bytes, from: fieldsStart) { line, name in
                    if HeadBytes.equalsLowercased(bytes, name, "content-length") {
                        length = HeadBytes.decimal(bytes, (name.upperBound + 1)..<(line.upperBound - 2)) ?? 0
                    }
                    if !HeadBytes.equalsLowercased(bytes, name, "connection") {
                        out.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[line]))
                    }
                }
            }
            out.writeStaticString("X-Request-Id: ")
            out.writeBytes(self.requestIDs.isEmpty ? [] : self.requestIDs.removeFirst())
            out.writeStaticString("\r\n\r\n")
            self.remainingBody = length
        }
        if input.readableBytes > 0 { self.pending = input }
        if out.readableBytes > 0 { clientContext.write(NIOAny(out), promise: nil) }
    }

    func channelReadComplete(context: ChannelHandlerContext) { self.client?.context?.flush() }

    func channelInactive(context: ChannelHandlerContext) { self.client?.context?.close(promise: nil) }

    func errorCaught(context: ChannelHandlerContext, error: any Error) { context.close(promise: nil) }
}
