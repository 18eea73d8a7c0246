import NIOCore

/// Formats one access log line straight into bytes: no per-line dictionaries, date formatters or
/// string interpolation. Pure (the time comes in through the clock).
enum AccessLogLine {
    /// Appends `record`'s line (with its newline) in `format`.
    ///
    /// `combined`: `client - - [time] "method target version" status bytes "referer" "user agent"`
    /// exactly like nginx's `combined` (same escaping: `"`, `\`, controls and bytes above 0x7E as
    /// `\xHH`), then ` rid=… host=… tenant=… class=… decision=… outcome=… upstream_time=…
    /// request_time=…` (times in seconds with milliseconds, `-` when there is none).
    static func append(
        _ record: AccessLogRecord,
        format: AccessLogFormat,
        clock: AccessLogClock,
        milliseconds: Int,
        totalTime: TimeAmount,
        upstreamTime: TimeAmount?,
        into out: inout [UInt8]
    ) {
        switch format {
        case .combined:
            Self.appendCombined(record, clock: clock, totalTime: totalTime, upstreamTime: upstreamTime, into: &out)
        case .json:
            Self.appendJSON(
                record,
                clock: clock,
                milliseconds: milliseconds,
                totalTime: totalTime,
                upstreamTime: upstreamTime,
                into: &out
            )
        }
    }

    private static func appendCombined(
        _ record: AccessLogRecord,
        clock: AccessLogClock,
        totalTime: TimeAmount,
        upstreamTime: TimeAmount?,
        into out: inout [UInt8]
    ) {
        Self.appendEscaped(record.clientAddress.utf8, into: &out)
        Self.append(" - - [", into: &out)
        out.append(contentsOf: clock.combined)
        Self.append("] \"", into: &out)
        if let line = record.unreadRequestLine {
            Self.appendEscaped(line, into: &out)
            Self.append("\" ", into: &out)
        } else {
            Self.appendEscaped(record.method.utf8, into: &out)
            out.append(UInt8(ascii: " "))
            if let received = record.receivedTarget {
                Self.appendEscaped(received, into: &out)
            } else {
                Self.appendEscaped(record.target.utf8, into: &out)
            }
            Self.append(
                record.version == .http1_0
                    ? " HTTP/1.0\" " : record.version.major == 2 ? " HTTP/2.0\" " : " HTTP/1.1\" ",
                into: &out
            )
        }
        Self.appendDecimal(Self.loggedStatus(record), into: &out)
        out.append(UInt8(ascii: " "))
        Self.appendDecimal(record.bytesOut, into: &out)
        Self.append(" \"", into: &out)
        Self.appendQuotedFieldValue(record.fields, record.fields.referer, into: &out)
        Self.append("\" \"", into: &out)
        Self.appendQuotedFieldValue(record.fields, record.fields.userAgent, into: &out)
        Self.append("\" rid=", into: &out)
        // The appended `key=value` fields are not quoted: a space in one would start a forged
        // field (`Host: x tenant=y`), so it is escaped like the other bytes a parser splits on.
        Self.appendEscaped(record.requestID.utf8, into: &out, spaceToo: true)
        Self.append(" host=", into: &out)
        Self.appendFieldValue(record.fields, record.fields.host, into: &out, spaceToo: true)
        Self.append(" tenant=", into: &out)
        Self.appendEscaped((record.tags.tenant ?? "-").utf8, into: &out)
        Self.append(" class=", into: &out)
        Self.appendEscaped(record.tags.requestClass.utf8, into: &out)
        Self.append(" decision=", into: &out)
        Self.appendEscaped(record.tags.decision.utf8, into: &out)
        Self.append(" outcome=", into: &out)
        Self.appendEscaped(record.outcome.utf8, into: &out, spaceToo: true)
        Self.append(" upstream_time=", into: &out)
        if let upstreamTime {
            Self.appendSeconds(upstreamTime, into: &out)
        } else {
            out.append(UInt8(ascii: "-"))
        }
        Self.append(" request_time=", into: &out)
        Self.appendSeconds(totalTime, into: &out)
        out.append(UInt8(ascii: "\n"))
    }

    private static func appendJSON(
        _ record: AccessLogRecord,
        clock: AccessLogClock,
        milliseconds: Int,
        totalTime: TimeAmount,
        upstreamTime: TimeAmount?,
        into out: inout [UInt8]
    ) {
        Self.append("{\"time\":\"", into: &out)
        out.append(contentsOf: clock.iso8601Seconds)
        out.append(UInt8(ascii: "."))
        out.append(UInt8(ascii: "0") + UInt8(milliseconds / 100))
        out.append(UInt8(ascii: "0") + UInt8(milliseconds / 10 % 10))
        out.append(UInt8(ascii: "0") + UInt8(milliseconds % 10))
        Self.append("Z\",\"client\":", into: &out)
        Self.appendJSONString(record.clientAddress, into: &out)
        Self.append(",\"method\":", into: &out)
        Self.appendJSONString(record.method, into: &out)
        Self.append(",\"target\":", into: &out)
        if let received = record.receivedTarget {
            received.withUnsafeBufferPointer { Self.appendJSONString(bytes: $0, into: &out) }
        } else {
            Self.appendJSONString(record.target, into: &out)
        }
        if record.unreadRequestLine != nil {
            // A line that was not `METHOD TARGET HTTP/x.y` names no protocol either.
            Self.append(",\"protocol\":\"-\"", into: &out)
        } else {
            Self.append(
                record.version == .http1_0
                    ? ",\"protocol\":\"HTTP/1.0\""
                    : record.version.major == 2 ? ",\"protocol\":\"HTTP/2.0\"" : ",\"protocol\":\"HTTP/1.1\"",
                into: &out
            )
        }
        Self.append(",\"status\":", into: &out)
        Self.appendDecimal(Self.loggedStatus(record), into: &out)
        Self.append(",\"bytes_sent\":", into: &out)
        Self.appendDecimal(record.bytesOut, into: &out)
        Self.append(",\"bytes_received\":", into: &out)
        Self.appendDecimal(record.bytesIn, into: &out)
        Self.append(",\"referer\":", into: &out)
        Self.appendJSONFieldValue(record.fields, record.fields.referer, into: &out)
        Self.append(",\"user_agent\":", into: &out)
        Self.appendJSONFieldValue(record.fields, record.fields.userAgent, into: &out)
        Self.append(",\"request_id\":", into: &out)
        Self.appendJSONString(record.requestID, into: &out)
        Self.append(",\"host\":", into: &out)
        Self.appendJSONFieldValue(record.fields, record.fields.host, into: &out)
        Self.append(",\"tenant\":", into: &out)
        if let tenant = record.tags.tenant {
            Self.appendJSONString(tenant, into: &out)
        } else {
            Self.append("null", into: &out)
        }
        Self.append(",\"class\":", into: &out)
        Self.appendJSONString(record.tags.requestClass, into: &out)
        Self.append(",\"decision\":", into: &out)
        Self.appendJSONString(record.tags.decision, into: &out)
        Self.append(",\"outcome\":", into: &out)
        Self.appendJSONString(record.outcome, into: &out)
        Self.append(",\"upstream_time\":", into: &out)
        if let upstreamTime {
            Self.appendSeconds(upstreamTime, into: &out)
        } else {
            Self.append("null", into: &out)
        }
        Self.append(",\"request_time\":", into: &out)
        Self.appendSeconds(totalTime, into: &out)
        Self.append("}\n", into: &out)
    }

    // MARK: - Pieces

    private static func append(_ text: StaticString, into out: inout [UInt8]) {
        text.withUTF8Buffer { out.append(contentsOf: $0) }
    }

    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    /// nginx's access log escaping: `"` and `\`, controls, DEL and bytes above 0x7F as `\xHH`
    /// (and, for free text inside a `key=value` field, spaces too). An empty value is `-`.
    static func appendEscaped<Bytes: Sequence<UInt8>>(_ bytes: Bytes, into out: inout [UInt8], spaceToo: Bool = false) {
        // A native string's UTF-8 and an array are contiguous: runs that need no escaping are copied
        // whole (a byte-by-byte append was a per-cent of a forwarded request's CPU).
        let copied: Void? = bytes.withContiguousStorageIfAvailable { buffer in
            Self.appendEscaped(contiguous: buffer, into: &out, spaceToo: spaceToo)
        }
        if copied != nil { return }
        let start = out.count
        for byte in bytes {
            if Self.needsEscape(byte, spaceToo: spaceToo) {
                Self.appendHexEscape(byte, into: &out)
            } else {
                out.append(byte)
            }
        }
        if out.count == start { out.append(UInt8(ascii: "-")) }
    }

    private static func appendEscaped(
        contiguous buffer: UnsafeBufferPointer<UInt8>,
        into out: inout [UInt8],
        spaceToo: Bool
    ) {
        guard !buffer.isEmpty else {
            out.append(UInt8(ascii: "-"))
            return
        }
        var runStart = 0
        for index in buffer.indices where Self.needsEscape(buffer[index], spaceToo: spaceToo) {
            out.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[runStart..<index]))
            Self.appendHexEscape(buffer[index], into: &out)
            runStart = index + 1
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[runStart...]))
    }

    @inline(__always)
    private static func needsEscape(_ byte: UInt8, spaceToo: Bool) -> Bool {
        byte < 0x20 || byte >= 0x7F || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
            || (spaceToo && byte == UInt8(ascii: " "))
    }

    @inline(__always)
    private static func appendHexEscape(_ byte: UInt8, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\\"))
        out.append(UInt8(ascii: "x"))
        out.append(Self.hexDigits[Int(byte >> 4)])
        out.append(Self.hexDigits[Int(byte & 0x0F)])
    }

    /// The status a line shows. An exchange that ended with no response written shows 499,
    /// nginx's "client closed request", as log parsers expect — or 444, nginx's "closed without
    /// a response", when the gateway closed it at the end of the drain time.
    static func loggedStatus(_ record: AccessLogRecord) -> Int {
        guard record.status == 0 else { return Int(record.status) }
        return record.outcome == "drain_timeout" ? 444 : 499
    }

    /// A request field's value in an appended `key=value` field: its bytes as received, escaped
    /// (spaces too with `spaceToo`); `-` when absent or empty, as a value there cannot be empty.
    private static func appendFieldValue(
        _ fields: AccessLogFieldValues,
        _ range: Range<Int>?,
        into out: inout [UInt8],
        spaceToo: Bool = false
    ) {
        fields.withBytes(of: range ?? 0..<0) { Self.appendEscaped(contiguous: $0, into: &out, spaceToo: spaceToo) }
    }

    /// A request field's value between the quotes of nginx's `combined`: `-` when absent, nothing
    /// when empty, as nginx writes `$http_referer` and `$http_user_agent`.
    private static func appendQuotedFieldValue(
        _ fields: AccessLogFieldValues,
        _ range: Range<Int>?,
        into out: inout [UInt8]
    ) {
        guard let range else {
            out.append(UInt8(ascii: "-"))
            return
        }
        guard !range.isEmpty else { return }
        fields.withBytes(of: range) { Self.appendEscaped(contiguous: $0, into: &out, spaceToo: false) }
    }

    /// A request field's value as a JSON string (``appendJSONString(bytes:into:)``); `null` when
    /// absent.
    private static func appendJSONFieldValue(
        _ fields: AccessLogFieldValues,
        _ range: Range<Int>?,
        into out: inout [UInt8]
    ) {
        guard let range else {
            Self.append("null", into: &out)
            return
        }
        fields.withBytes(of: range) { Self.appendJSONString(bytes: $0, into: &out) }
    }

    /// `text` as a JSON string, escaped where JSON needs it (a string is UTF-8 already).
    static func appendJSONString(_ text: String, into out: inout [UInt8]) {
        let copied: Void? = text.utf8.withContiguousStorageIfAvailable { bytes in
            Self.appendJSONString(bytes: bytes, valid: true, into: &out)
        }
        if copied == nil {
            Array(text.utf8).withUnsafeBufferPointer { Self.appendJSONString(bytes: $0, valid: true, into: &out) }
        }
    }

    /// `bytes` as a JSON string: valid UTF-8 as it is, escaped where JSON needs it; when they are
    /// not UTF-8, each byte above 0x7F as the Latin-1 character of that number (`\u00HH`).
    static func appendJSONString(bytes: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        let valid = bytes.allSatisfy { $0 < 0x80 } || String(validating: bytes, as: UTF8.self) != nil
        Self.appendJSONString(bytes: bytes, valid: valid, into: &out)
    }

    private static func appendJSONString(bytes: UnsafeBufferPointer<UInt8>, valid: Bool, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var runStart = 0
        for index in bytes.indices {
            let byte = bytes[index]
            // Printable ASCII other than the quote and the backslash, and UTF-8's bytes when the
            // value is UTF-8, go as they are: copied in runs.
            if byte >= 0x20 && byte != 0x7F && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\")
                && (byte < 0x80 || valid)
            {
                continue
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
            runStart = index + 1
            switch byte {
            case UInt8(ascii: "\""): Self.append("\\\"", into: &out)
            case UInt8(ascii: "\\"): Self.append("\\\\", into: &out)
            case UInt8(ascii: "\n"): Self.append("\\n", into: &out)
            case UInt8(ascii: "\r"): Self.append("\\r", into: &out)
            case UInt8(ascii: "\t"): Self.append("\\t", into: &out)
            default: Self.appendUnicodeEscape(byte, into: &out)
            }
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...]))
        out.append(UInt8(ascii: "\""))
    }

    private static func appendUnicodeEscape(_ byte: UInt8, into out: inout [UInt8]) {
        Self.append("\\u00", into: &out)
        out.append(Self.hexDigits[Int(byte >> 4)])
        out.append(Self.hexDigits[Int(byte & 0x0F)])
    }

    static func appendDecimal(_ value: Int, into out: inout [UInt8]) {
        guard value > 0 else {
            if value == 0 {
                out.append(UInt8(ascii: "0"))
            } else {
                out.append(contentsOf: String(value).utf8)
            }
            return
        }
        var digits:
            (
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8
            ) =
                (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        var rest = value
        withUnsafeMutableBytes(of: &digits) { buffer in
            while rest > 0 {
                buffer[count] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
                count += 1
            }
            for index in stride(from: count - 1, through: 0, by: -1) { out.append(buffer[index]) }
        }
    }

    /// Seconds with milliseconds, like nginx's `$request_time` (`0.004`).
    static func appendSeconds(_ time: TimeAmount, into out: inout [UInt8]) {
        let milliseconds = max(0, Int((time.nanoseconds + 500_000) / 1_000_000))
        Self.appendDecimal(milliseconds / 1000, into: &out)
        out.append(UInt8(ascii: "."))
        let fraction = milliseconds % 1000
        out.append(UInt8(ascii: "0") + UInt8(fraction / 100))
        out.append(UInt8(ascii: "0") + UInt8(fraction / 10 % 10))
        out.append(UInt8(ascii: "0") + UInt8(fraction % 10))
    }
}
