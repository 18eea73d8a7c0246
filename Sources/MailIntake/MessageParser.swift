/// Parses an RFC 5322 message (as an MTA delivers it: CRLF or LF line ends) into its MIME tree.
///
/// Lenient, as mail readers are: a missing blank line means no body, a missing closing boundary
/// ends the part at the end of the input, nesting is limited so a hostile message cannot recurse
/// without end.
public enum MessageParser {
    static let maximumDepth = 8

    public static func parse(_ raw: [UInt8]) -> MIMEEntity {
        parseEntity(raw[...], depth: 0)
    }

    private static func parseEntity(_ raw: ArraySlice<UInt8>, depth: Int) -> MIMEEntity {
        let (headerBytes, body) = splitHead(raw)
        let headers = parseHeaders(headerBytes)
        var entity = MIMEEntity(headers: headers, body: Array(body), children: [])
        guard depth < maximumDepth else { return entity }
        let type = entity.contentType
        if type.type == "multipart", let boundary = type.boundary, !boundary.isEmpty {
            entity.children = splitMultipart(body, boundary: boundary).map { parseEntity($0, depth: depth + 1) }
        } else if type.mimeType == "message/rfc822" {
            entity.children = [parseEntity(entity.decodedBody[...], depth: depth + 1)]
        }
        return entity
    }

    /// The header block and the body, split at the first empty line.
    private static func splitHead(_ raw: ArraySlice<UInt8>) -> (ArraySlice<UInt8>, ArraySlice<UInt8>) {
        var index = raw.startIndex
        // A part that starts with an empty line has no headers.
        if raw.first == UInt8(ascii: "\n") { return (raw[index..<index], raw.dropFirst()) }
        if raw.starts(with: [13, 10]) { return (raw[index..<index], raw.dropFirst(2)) }
        while index < raw.endIndex {
            guard let newline = raw[index...].firstIndex(of: UInt8(ascii: "\n")) else { break }
            var next = raw.index(after: newline)
            if next < raw.endIndex, raw[next] == UInt8(ascii: "\r") { next += 1 }
            if next < raw.endIndex, raw[next] == UInt8(ascii: "\n") {
                return (raw[raw.startIndex..<newline], raw[raw.index(after: next)...])
            }
            if next >= raw.endIndex { break }
            index = raw.index(after: newline)
        }
        return (raw, raw[raw.endIndex...])
    }

    /// Unfolds the header block (RFC 5322 §2.2.3) into fields; lines that are not fields are skipped.
    static func parseHeaders(_ block: ArraySlice<UInt8>) -> MailHeaders {
        var lines: [String] = []
        for line in block.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            var bytes = Array(line)
            if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
            let text = String(decoding: bytes, as: UTF8.self)
            if let first = bytes.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t"), !lines.isEmpty {
                lines[lines.count - 1] += text
            } else {
                lines.append(text)
            }
        }
        var fields: [MailHeaders.Field] = []
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let writtenName = line[..<colon]
            let name = writtenName.trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty, !name.contains(" ") else { continue }
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            fields.append(
                MailHeaders.Field(
                    name: name,
                    value: value,
                    hasSpaceBeforeColon: writtenName.last == " " || writtenName.last == "\t"
                )
            )
        }
        return MailHeaders(fields: fields)
    }

    /// The parts between `--boundary` lines, up to `--boundary--` (RFC 2046 §5.1.1).
    private static func splitMultipart(_ body: ArraySlice<UInt8>, boundary: String) -> [ArraySlice<UInt8>] {
        let delimiter = Array("--\(boundary)".utf8)
        var parts: [ArraySlice<UInt8>] = []
        var partStart: Int?
        var lineStart = body.startIndex
        while lineStart < body.endIndex {
            let lineEnd = body[lineStart...].firstIndex(of: UInt8(ascii: "\n")) ?? body.endIndex
            let line = body[lineStart..<lineEnd]
            if line.starts(with: delimiter) {
                let after = line.dropFirst(delimiter.count)
                let isClosing = after.starts(with: [UInt8(ascii: "-"), UInt8(ascii: "-")])
                let isDelimiter = isClosing || after.allSatisfy { $0 == 13 || $0 == 32 || $0 == 9 }
                if isDelimiter {
                    if let start = partStart {
                        parts.append(trimmingLineEnd(body[start..<lineStart]))
                    }
                    if isClosing { return parts }
                    partStart = lineEnd < body.endIndex ? lineEnd + 1 : body.endIndex
                }
            }
            lineStart = lineEnd < body.endIndex ? lineEnd + 1 : body.endIndex
        }
        if let start = partStart, start < body.endIndex { parts.append(body[start...]) }
        return parts
    }

    /// The CRLF before a boundary belongs to the boundary (RFC 2046).
    private static func trimmingLineEnd(_ part: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var part = part
        if part.last == UInt8(ascii: "\n") { part = part.dropLast() }
        if part.last == UInt8(ascii: "\r") { part = part.dropLast() }
        return part
    }
}
