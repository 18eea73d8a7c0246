import Foundation

/// An `Authentication-Results` field (RFC 8601): who wrote it (the authserv-id) and its results.
public struct AuthenticationResults: Sendable, Equatable {
    public var authservID: String
    public var results: [AuthenticationResult]

    /// Parses the field's value; nil when it has no authserv-id.
    public init?(parsing value: String) {
        let pieces = Self.splitOutsideQuotes(Self.removingComments(value))
        guard let first = pieces.first else { return nil }
        let serverTokens = first.split(whereSeparator: \.isWhitespace)
        guard let server = serverTokens.first else { return nil }
        authservID = Self.unquoted(String(server)).lowercased()
        results = pieces.dropFirst().compactMap(Self.result)
    }

    private static func result(_ text: String) -> AuthenticationResult? {
        let tokens = splitAtWhitespaceOutsideQuotes(text)
        guard let first = tokens.first, let equals = first.firstIndex(of: "=") else { return nil }
        let method = first[..<equals].split(separator: "/").first.map(String.init) ?? ""
        let result = String(first[first.index(after: equals)...])
        var properties: [String: String] = [:]
        for token in tokens.dropFirst() {
            guard let equals = token.firstIndex(of: "=") else { continue }
            let name = token[..<equals].lowercased()
            guard name.contains(".") else { continue }
            properties[name] = unquoted(String(token[token.index(after: equals)...]))
        }
        return AuthenticationResult(method: method.lowercased(), result: result.lowercased(), properties: properties)
    }

    private static func unquoted(_ text: String) -> String {
        text.count >= 2 && text.hasPrefix("\"") && text.hasSuffix("\"") ? String(text.dropFirst().dropLast()) : text
    }

    /// CFWS comments `( … )`, nested, outside quoted strings.
    private static func removingComments(_ text: String) -> String {
        var depth = 0
        var quoted = false
        var output = ""
        for character in text {
            if character == "\"" && depth == 0 { quoted.toggle() }
            if !quoted && character == "(" {
                depth += 1
            } else if !quoted && character == ")" && depth > 0 {
                depth -= 1
                output.append(" ")
            } else if depth == 0 {
                output.append(character)
            }
        }
        return output
    }

    /// `header.s="sel; x"` stays one token.
    private static func splitAtWhitespaceOutsideQuotes(_ text: String) -> [String] {
        var tokens: [String] = []
        var current = ""
        var quoted = false
        for character in text {
            if character == "\"" { quoted.toggle() }
            if character.isWhitespace && !quoted {
                if !current.isEmpty { tokens.append(current) }
                current = ""
            } else {
                current.append(character)
            }
        }
        if !current.isEmpty { tokens.append(current) }
        return tokens
    }

    private static func splitOutsideQuotes(_ text: String) -> [String] {
        var pieces: [String] = []
        var current = ""
        var quoted = false
        for character in text {
            if character == "\"" { quoted.toggle() }
            if character == ";" && !quoted {
                pieces.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        pieces.append(current)
        return pieces.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
    }
}
