import NIOCore
import NIOHPACK
import NIOHTTP1

/// Turns a response — an upstream's, with the fields the gateway passes on, or one the gateway
/// writes itself — into an HTTP/2 header block: `:status` first, names in lower case, and without
/// the fields that only mean something on one HTTP/1.1 connection (`Connection` and the fields it
/// names, `Keep-Alive`, `Proxy-Connection`, `Transfer-Encoding`, `Upgrade`), which HTTP/2 forbids
/// (RFC 9113 §8.2.2). Values keep their bytes where they are UTF-8 (HPACK strings here are).
///
/// Most fields are sent without indexing (a static-table name where there is one, the value
/// literal), as nginx sends them: a response's request ID, dates, lengths and validators differ
/// from the last one's, so entering them into the connection's dynamic table would cost the
/// encoder a search of a table full of stale entries per field and save the wire nothing. The few
/// whose value repeats (``indexing(ofName:)``) are entered, and every later response names each
/// with one byte instead of Huffman-encoding its value again.
/// Pure: no I/O.
enum HTTP2ResponseTranslator {
    /// The header block for an upstream response: the fields `selection` keeps (the same an
    /// HTTP/1.1 client gets), lower-cased and without those HTTP/2 forbids, then the gateway's own:
    /// `via`, and the `x-request-id` and `strict-transport-security` the selection carries.
    static func headers(
        of head: UpstreamResponseHead,
        selection: ClientResponseFieldSelection,
        via: String
    ) -> HPACKHeaders {
        var headers = HPACKHeaders()
        headers.reserveCapacity(head.fields.count + 4)
        headers.add(name: ":status", value: String(head.status))
        head.bytes.withUnsafeReadableBytes { bytes in
            for field in head.fields where selection.keeps(bytes[field.name]) {
                // A tunnel's `connection` and `upgrade` are kept for HTTP/1.1 only: HTTP/2 has none.
                if HTTP2RequestTranslator.isConnectionSpecific(bytes[field.name]) { continue }
                headers.add(
                    name: Self.lowercasedName(bytes[field.name]),
                    value: String(decoding: bytes[field.value], as: UTF8.self),
                    indexing: Self.indexing(ofName: bytes[field.name])
                )
            }
        }
        headers.add(name: "via", value: via, indexing: .indexable)
        if let requestID = selection.requestID {
            headers.add(name: "x-request-id", value: requestID, indexing: .nonIndexable)
        }
        if let strictTransportSecurity = selection.strictTransportSecurity {
            headers.add(name: "strict-transport-security", value: strictTransportSecurity, indexing: .indexable)
        }
        return headers
    }

    /// Whether a response field goes into the connection's dynamic table: only those whose value
    /// is mostly the same from one response to the next (the server's name, a content type,
    /// caching and security policies), so that the next response names the whole field with one
    /// byte instead of encoding its value again, while the table stays a few entries long. Values
    /// that change per response or per resource (dates, lengths, validators, cookies, request
    /// IDs) are not entered: they would fill the table with stale entries.
    static func indexing<Name: Collection<UInt8>>(ofName name: Name) -> HPACKIndexing {
        let repeats: Bool
        switch name.count {
        case 4: repeats = ASCII.equalsCaseInsensitive(name, "vary")
        case 6: repeats = ASCII.equalsCaseInsensitive(name, "server") || ASCII.equalsCaseInsensitive(name, "pragma")
        case 12: repeats = ASCII.equalsCaseInsensitive(name, "content-type")
        case 13:
            repeats =
                ASCII.equalsCaseInsensitive(name, "accept-ranges") || ASCII.equalsCaseInsensitive(name, "cache-control")
        case 15:
            repeats =
                ASCII.equalsCaseInsensitive(name, "x-frame-options")
                || ASCII.equalsCaseInsensitive(name, "referrer-policy")
        case 16:
            repeats =
                ASCII.equalsCaseInsensitive(name, "content-encoding")
                || ASCII.equalsCaseInsensitive(name, "content-language")
        case 22: repeats = ASCII.equalsCaseInsensitive(name, "x-content-type-options")
        case 25: repeats = ASCII.equalsCaseInsensitive(name, "strict-transport-security")
        case 27: repeats = ASCII.equalsCaseInsensitive(name, "access-control-allow-origin")
        default: repeats = false
        }
        return repeats ? .indexable : .nonIndexable
    }

    /// The header block for a response the gateway writes itself (a blocked page, an error page,
    /// a redirect), from the head it would send an HTTP/1.1 client.
    static func headers(of head: HTTPResponseHead) -> HPACKHeaders {
        var headers = HPACKHeaders()
        headers.reserveCapacity(head.headers.count + 1)
        headers.add(name: ":status", value: String(head.status.code))
        for (name, value) in head.headers {
            let name = name.lowercased()
            if HTTP2RequestTranslator.isConnectionSpecific(name.utf8) { continue }
            headers.add(name: name, value: value, indexing: Self.indexing(ofName: name.utf8))
        }
        return headers
    }

    /// A field name's bytes as a lower-case string, made in one pass (a name is a token: ASCII).
    static func lowercasedName(_ name: Slice<UnsafeRawBufferPointer>) -> String {
        String(unsafeUninitializedCapacity: name.count) { buffer in
            for (offset, byte) in name.enumerated() { buffer[offset] = ASCII.lowercased(byte) }
            return name.count
        }
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
                    if !HTTP2RequestTranslator.isConnectionSpecific(name.utf8) {
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
}
