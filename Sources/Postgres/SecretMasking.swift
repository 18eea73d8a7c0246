/// Hides the password of a libpq connection string before it is printed (`--print-config`, errors,
/// a `PostgresConfiguration` described in a log).
///
/// Handles both libpq forms: the URI (`postgresql://user:secret@host/db?password=secret`) and the
/// `key=value` string (`host=h password=secret` or `password='with spaces'`).
package enum SecretMasking {
    package static let mask = "****"

    package static func maskDatabaseURL(_ text: String) -> String {
        if text.hasPrefix("postgresql://") || text.hasPrefix("postgres://") {
            return maskURI(text)
        }
        return maskKeyValue(text)
    }

    private static func maskURI(_ text: String) -> String {
        guard let schemeEnd = text.range(of: "://") else { return text }
        let scheme = text[..<schemeEnd.upperBound]
        let rest = text[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
        var authority = String(rest[..<authorityEnd])
        var tail = String(rest[authorityEnd...])
        if let at = authority.lastIndex(of: "@") {
            let userInfo = authority[..<at]
            if let colon = userInfo.firstIndex(of: ":") {
                authority = String(userInfo[..<colon]) + ":" + mask + String(authority[at...])
            }
        }
        if let question = tail.firstIndex(of: "?") {
            let path = tail[..<question]
            let query = tail[tail.index(after: question)...]
            let fragmentStart = query.firstIndex(of: "#") ?? query.endIndex
            let parameters = query[..<fragmentStart].split(separator: "&", omittingEmptySubsequences: false).map {
                parameter -> String in
                let name = parameter.split(separator: "=", maxSplits: 1).first.map(String.init) ?? ""
                return name.lowercased() == "password" ? "\(name)=\(mask)" : String(parameter)
            }
            tail = String(path) + "?" + parameters.joined(separator: "&") + String(query[fragmentStart...])
        }
        return String(scheme) + authority + tail
    }

    /// Walks `key = value` pairs the way libpq does (values bare or single-quoted with `\` escapes).
    private static func maskKeyValue(_ text: String) -> String {
        let characters = Array(text)
        var out = ""
        var index = 0
        while index < characters.count {
            // Whitespace between pairs.
            while index < characters.count, characters[index].isWhitespace {
                out.append(characters[index])
                index += 1
            }
            var key = ""
            while index < characters.count, characters[index] != "=", !characters[index].isWhitespace {
                key.append(characters[index])
                index += 1
            }
            out += key
            while index < characters.count, characters[index].isWhitespace {
                out.append(characters[index])
                index += 1
            }
            guard index < characters.count, characters[index] == "=" else { continue }
            out.append("=")
            index += 1
            while index < characters.count, characters[index].isWhitespace {
                out.append(characters[index])
                index += 1
            }
            var value = ""
            if index < characters.count, characters[index] == "'" {
                value.append("'")
                index += 1
                while index < characters.count {
                    let character = characters[index]
                    value.append(character)
                    index += 1
                    if character == "\\", index < characters.count {
                        value.append(characters[index])
                        index += 1
                    } else if character == "'" {
                        break
                    }
                }
            } else {
                while index < characters.count, !characters[index].isWhitespace {
                    if characters[index] == "\\", index + 1 < characters.count {
                        value.append(characters[index])
                        index += 1
                    }
                    value.append(characters[index])
                    index += 1
                }
            }
            out += key.lowercased() == "password" ? mask : value
        }
        return out
    }
}
