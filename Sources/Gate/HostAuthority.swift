import TenantState

/// A parsed `host[:port]` (the `Host` header or an absolute-form target's authority), strict:
/// anything a server could read another way is refused, so no tenant can be hidden in it.
public struct HostAuthority: Sendable, Hashable {
    /// The normalised host: lower-cased, no trailing dot, IDN labels in `xn--` form; an IPv6
    /// literal keeps its brackets.
    public let host: String
    /// The port when one was given (`host:` with an empty port gives `nil`, as RFC 3986 allows).
    public let port: Int?

    /// `nil` when the value is not a valid authority: empty, with userinfo, spaces, controls,
    /// percent-escapes, an empty label, a bad port, or characters no host name has.
    public init?(parsing raw: String) {
        var text = Substring(raw)
        while let first = text.first, first == " " || first == "\t" { text.removeFirst() }
        while let last = text.last, last == " " || last == "\t" { text.removeLast() }
        guard !text.isEmpty else { return nil }
        guard
            !text.unicodeScalars.contains(where: {
                $0.value <= 0x20 || $0.value == 0x7F || "@%/\\?#,;".unicodeScalars.contains($0)
            })
        else { return nil }

        var hostPart: Substring
        var portPart: Substring?
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            hostPart = text[...close]
            let rest = text[text.index(after: close)...]
            if !rest.isEmpty {
                guard rest.first == ":" else { return nil }
                portPart = rest.dropFirst()
            }
            let inside = hostPart.dropFirst().dropLast()
            guard !inside.isEmpty, inside.contains(":"),
                inside.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." })
            else { return nil }
            self.host = hostPart.lowercased()
        } else {
            let colons = text.filter { $0 == ":" }.count
            guard colons <= 1 else { return nil }
            if let colon = text.firstIndex(of: ":") {
                hostPart = text[..<colon]
                portPart = text[text.index(after: colon)...]
            } else {
                hostPart = text
            }
            guard !hostPart.isEmpty, hostPart != "." else { return nil }
            let normalized = DomainName.normalized(String(hostPart))
            guard Self.isValidHostName(normalized) else { return nil }
            self.host = normalized
        }
        if let portPart, !portPart.isEmpty {
            guard portPart.count <= 5, portPart.allSatisfy({ $0.isASCII && $0.isNumber }), let port = Int(portPart),
                port <= 65535
            else { return nil }
            self.port = port
        } else {
            self.port = nil
        }
    }

    static func isValidHostName(_ host: String) -> Bool {
        guard !host.isEmpty, host.utf8.count <= 253 else { return false }
        for label in host.split(separator: ".", omittingEmptySubsequences: false) {
            guard !label.isEmpty, label.utf8.count <= 63 else { return false }
            let allowed = label.utf8.allSatisfy { byte in
                (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                    || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                    || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
            }
            guard allowed else { return false }
        }
        return true
    }
}
