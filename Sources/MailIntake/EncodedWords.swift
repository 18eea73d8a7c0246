/// RFC 2047 encoded words (`=?charset?B|Q?text?=`) in header values, e.g. a subject written in
/// Russian. Whitespace between two adjacent encoded words is dropped (RFC 2047 §6.2).
public enum EncodedWords {
    public static func decode(_ value: String) -> String {
        var result = ""
        var pendingWhitespace = ""
        var previousWasEncoded = false
        var rest = Substring(value)
        while !rest.isEmpty {
            if rest.hasPrefix("=?"), let (decoded, remainder) = decodeWord(rest) {
                if !previousWasEncoded { result += pendingWhitespace }
                pendingWhitespace = ""
                result += decoded
                previousWasEncoded = true
                rest = remainder
                continue
            }
            guard let character = rest.first else { break }
            rest = rest.dropFirst()
            if character == " " || character == "\t" {
                pendingWhitespace.append(character)
                continue
            }
            result += pendingWhitespace
            pendingWhitespace = ""
            result.append(character)
            previousWasEncoded = false
        }
        return result + pendingWhitespace
    }

    /// One encoded word at the start of `text`, and what follows it.
    private static func decodeWord(_ text: Substring) -> (String, Substring)? {
        let body = text.dropFirst(2)
        let parts = body.split(separator: "?", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, let end = parts[2].range(of: "?=") else { return nil }
        // RFC 2231 language suffix: charset*language.
        let charset = String(parts[0].split(separator: "*").first ?? "")
        let encoded = Array(parts[2][..<end.lowerBound].utf8)
        let bytes: [UInt8]
        switch parts[1].uppercased() {
        case "B": bytes = Base64Body.decode(encoded)
        case "Q": bytes = QuotedPrintable.decode(encoded, underscoreIsSpace: true)
        default: return nil
        }
        return (CharsetDecoder.decode(bytes, charset: charset), parts[2][end.upperBound...])
    }
}
