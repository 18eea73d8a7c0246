import NIOCore
import NIOHPACK

/// Turns the HTTP/1.1 response head the gateway would send (forwarded or its own page) into an
/// HTTP/2 header block: `:status` first, names in lower case, and without the fields that only
/// mean something on one HTTP/1.1 connection (`Connection` and the fields it names,
/// `Keep-Alive`, `Proxy-Connection`, `Transfer-Encoding`, `Upgrade`), which HTTP/2 forbids
/// (RFC 9113 §8.2.2). Values keep their bytes where they are UTF-8 (HPACK strings here are).
///
/// Fields are sent without indexing (a static-table name where there is one, the value literal),
/// as nginx sends them: a response's fields — its request ID, dates, tags, lengths — mostly
/// differ from the last one's, so entering them into the connection's dynamic table would cost
/// the encoder a search of a table full of stale entries per field and save the wire nothing.
/// Pure: no I/O.
enum HTTP2ResponseTranslator {
    static func headers(of head: UpstreamResponseHead) -> HPACKHeaders {
        var headers = HPACKHeaders()
        headers.reserveCapacity(head.fields.count + 1)
        headers.add(name: ":status", value: String(head.status))
        head.bytes.withUnsafeReadableBytes { bytes in
            let named = head.connectionNamesFields ? Self.namesListedInConnection(head, bytes) : []
            for field in head.fields {
                let name = String(decoding: bytes[field.name], as: UTF8.self).lowercased()
                if HTTP2RequestTranslator.connectionSpecificFields.contains(name) || named.contains(name) {
                    continue
                }
                headers.add(
                    name: name,
                    value: String(decoding: bytes[field.value], as: UTF8.self),
                    indexing: .nonIndexable
                )
            }
        }
        return headers
    }

    /// A chunked body's trailer field lines (each ending in CRLF) as an HTTP/2 trailer block.
    static func trailers(_ lines: ByteBuffer) -> HPACKHeaders {
        var trailers = HPACKHeaders()
        lines.withUnsafeReadableBytes { bytes in
            var start = 0
            while start < bytes.count {
                var end = start
                while end < bytes.count, bytes[end] != UInt8(ascii: "\n") { end += 1 }
                var lineEnd = end
                if lineEnd > start, bytes[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
                if let colon = bytes[start..<lineEnd].firstIndex(of: UInt8(ascii: ":")) {
                    let name = String(decoding: bytes[start..<colon], as: UTF8.self).lowercased()
                    var valueStart = colon + 1
                    var valueEnd = lineEnd
                    while valueStart < valueEnd, bytes[valueStart] == 0x20 || bytes[valueStart] == 0x09 {
                        valueStart += 1
                    }
                    while valueEnd > valueStart, bytes[valueEnd - 1] == 0x20 || bytes[valueEnd - 1] == 0x09 {
                        valueEnd -= 1
                    }
                    if !HTTP2RequestTranslator.connectionSpecificFields.contains(name) {
                        trailers.add(
                            name: name,
                            value: String(decoding: bytes[valueStart..<valueEnd], as: UTF8.self),
                            indexing: .nonIndexable
                        )
                    }
                }
                start = end + 1
            }
        }
        return trailers
    }

    private static func namesListedInConnection(
        _ head: UpstreamResponseHead,
        _ bytes: UnsafeRawBufferPointer
    )
        -> Set<String>
    {
        var names = Set<String>()
        for field in head.fields where ASCII.equalsCaseInsensitive(bytes[field.name], "connection") {
            let value = String(decoding: bytes[field.value], as: UTF8.self)
            for token in value.split(separator: ",") {
                let trimmed = token.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }
                names.insert(String(trimmed.reversed()).lowercased())
            }
        }
        return names
    }
}
