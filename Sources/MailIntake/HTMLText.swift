import Foundation

/// The text of an HTML part, for HTML-only mail: tags dropped, block ends as line breaks, entities
/// decoded; style, script and quoted history (blockquote, Gmail's quote block) left out.
public enum HTMLText {
    public static func text(of html: String) -> String {
        var source = html
        for marker in ["class=\"gmail_quote", "id=\"divRplyFwdMsg", "id=\"appendonsend"] {
            if let range = source.range(of: marker, options: .caseInsensitive),
                let tagStart = source[..<range.lowerBound].lastIndex(of: "<")
            {
                source = String(source[..<tagStart])
            }
        }
        for element in ["head", "style", "script", "blockquote"] {
            source = removingElements(element, from: source)
        }
        var output = ""
        var rest = Substring(source)
        while let open = rest.firstIndex(of: "<") {
            output += rest[..<open]
            guard let close = rest[open...].firstIndex(of: ">") else {
                rest = rest[rest.endIndex...]
                break
            }
            let tag = rest[rest.index(after: open)..<close].lowercased()
            let name = tag.drop { $0 == "/" }.prefix { $0.isLetter || $0.isNumber }
            if ["br", "p", "div", "tr", "li", "h1", "h2", "h3", "table"].contains(String(name)) {
                output += "\n"
            }
            rest = rest[rest.index(after: close)...]
        }
        output += rest
        return decodeEntities(output)
    }

    /// The HTML without the elements of that name and what they hold, in one pass.
    private static func removingElements(_ name: String, from html: String) -> String {
        var output = ""
        var rest = Substring(html)
        while let start = rest.range(of: "<\(name)", options: .caseInsensitive) {
            output += rest[..<start.lowerBound]
            guard
                let end = rest.range(
                    of: "</\(name)>",
                    options: .caseInsensitive,
                    range: start.upperBound..<rest.endIndex
                )
            else { return output }
            rest = rest[end.upperBound...]
        }
        return output + rest
    }

    private static let namedEntities: [String: String] = [
        "nbsp": " ", "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "ndash": "–", "mdash": "—",
        "laquo": "«", "raquo": "»", "hellip": "…",
    ]

    static func decodeEntities(_ text: String) -> String {
        var output = ""
        var rest = Substring(text)
        while let ampersand = rest.firstIndex(of: "&") {
            output += rest[..<ampersand]
            let after = rest[rest.index(after: ampersand)...]
            if let semicolon = after.prefix(10).firstIndex(of: ";") {
                let name = String(after[..<semicolon])
                var replacement: String?
                if name.hasPrefix("#x") || name.hasPrefix("#X") {
                    replacement = UInt32(name.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init).map { String($0) }
                } else if name.hasPrefix("#") {
                    replacement = UInt32(name.dropFirst()).flatMap(Unicode.Scalar.init).map { String($0) }
                } else {
                    replacement = namedEntities[name.lowercased()]
                }
                if let replacement {
                    output += replacement
                    rest = after[after.index(after: semicolon)...]
                    continue
                }
            }
            output += "&"
            rest = after
        }
        return output + rest
    }
}
