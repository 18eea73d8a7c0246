/// A response parsed leniently from raw bytes by tests: status, header lines, body (by
/// Content-Length or chunked; the rest of the bytes otherwise).
public struct HTTPRawResponse: Sendable {
    public var statusLine: String
    public var status: Int
    /// Header lines in order, names as received.
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    public var bodyText: String { String(decoding: self.body, as: UTF8.self) }

    public func header(_ name: String) -> String? {
        self.headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    public func headerValues(_ name: String) -> [String] {
        self.headers.filter { $0.name.lowercased() == name.lowercased() }.map(\.value)
    }

    /// Parses consecutive complete responses (1xx informational ones included).
    /// `bodyless`: treat every response as having no body (answers to HEAD).
    public static func parseAll(_ bytes: [UInt8], bodyless: Bool = false) -> [HTTPRawResponse] {
        var responses: [HTTPRawResponse] = []
        var index = 0
        while index < bytes.count, let (response, next) = parseOne(bytes, from: index, bodyless: bodyless) {
            responses.append(response)
            index = next
        }
        return responses
    }

    static func parseOne(_ bytes: [UInt8], from start: Int, bodyless: Bool) -> (HTTPRawResponse, Int)? {
        guard let headEnd = find([13, 10, 13, 10], in: bytes, from: start) else { return nil }
        let headText = String(decoding: bytes[start..<headEnd], as: UTF8.self)
        var lines = headText.split(separator: "\r\n", omittingEmptySubsequences: false).map(String.init)
        guard !lines.isEmpty else { return nil }
        let statusLine = lines.removeFirst()
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, let status = Int(parts[1]) else { return nil }
        var headers: [(String, String)] = []
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.append(
                (String(line[..<colon]), String(line[line.index(after: colon)...]).trimmingCharacters(in: " \t"))
            )
        }
        var response = HTTPRawResponse(statusLine: statusLine, status: status, headers: headers, body: [])
        var index = headEnd + 4
        if bodyless || (100..<200).contains(status) || status == 204 || status == 304 {
            return (response, index)
        }
        if let length = response.header("content-length").flatMap({ Int($0) }) {
            guard bytes.count - index >= length else { return nil }
            response.body = Array(bytes[index..<index + length])
            return (response, index + length)
        }
        if response.header("transfer-encoding")?.lowercased() == "chunked" {
            var body: [UInt8] = []
            while true {
                guard let lineEnd = find([13, 10], in: bytes, from: index) else { return nil }
                let sizeText =
                    String(decoding: bytes[index..<lineEnd], as: UTF8.self)
                    .split(separator: ";").first.map(String.init) ?? ""
                guard let size = Int(sizeText.trimmingCharacters(in: " "), radix: 16) else { return nil }
                index = lineEnd + 2
                if size == 0 {
                    guard let end = find([13, 10, 13, 10], in: bytes, from: index - 2) else { return nil }
                    response.body = body
                    return (response, end + 4)
                }
                guard bytes.count >= index + size + 2 else { return nil }
                body.append(contentsOf: bytes[index..<index + size])
                index += size + 2
            }
        }
        response.body = Array(bytes[index...])
        return (response, bytes.count)
    }

    public static func find(_ needle: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        guard bytes.count >= needle.count else { return nil }
        var index = start
        while index + needle.count <= bytes.count {
            var matches = true
            for offset in 0..<needle.count where bytes[index + offset] != needle[offset] {
                matches = false
                break
            }
            if matches { return index }
            index += 1
        }
        return nil
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: String) -> String {
        var slice = self[...]
        while let first = slice.first, set.contains(first) { slice = slice.dropFirst() }
        while let last = slice.last, set.contains(last) { slice = slice.dropLast() }
        return String(slice)
    }
}
