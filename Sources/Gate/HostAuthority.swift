import TenantModel

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
        if let plain = Self.plain(raw) {
            self = plain
            return
        }
        self.init(parsingThoroughly: raw)
    }

    private init(host: String, port: Int?) {
        self.host = host
        self.port = port
    }

    /// The common case in one pass without allocating more than the host: lower-case ASCII
    /// labels and an optional port, which normalisation leaves as they are. `nil` sends
    /// everything else (spaces, upper case, IDN, IPv6, a trailing dot, `_`, …) to the full parser.
    static func plain(_ raw: String) -> HostAuthority? {
        var raw = raw
        return raw.withUTF8 { Self.plain(bytes: $0) }
    }

    /// ``plain(_:)`` of a value's bytes as received (a plain authority is ASCII: its bytes and its
    /// text are the same), without a string made of the value first.
    static func plain(bytes: UnsafeBufferPointer<UInt8>) -> HostAuthority? {
        var index = 0
        var labelLength = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: ".") {
                guard labelLength > 0 else { return nil }
                labelLength = 0
            } else if byte == UInt8(ascii: ":") {
                break
            } else if (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "-")
            {
                labelLength += 1
                guard labelLength <= 63 else { return nil }
            } else {
                return nil
            }
            index += 1
        }
        let hostLength = index
        guard labelLength > 0, hostLength <= 253 else { return nil }
        var port: Int?
        if index < bytes.count {
            let digits = bytes.count - index - 1
            guard digits <= 5 else { return nil }
            if digits > 0 {
                var value = 0
                for position in (index + 1)..<bytes.count {
                    let byte = bytes[position]
                    guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                    value = value * 10 + Int(byte - UInt8(ascii: "0"))
                }
                guard value <= 65535 else { return nil }
                port = value
            }
        }
        let host = String(decoding: UnsafeBufferPointer(rebasing: bytes[..<hostLength]), as: UTF8.self)
        return HostAuthority(host: host, port: port)
    }

    /// `init(parsing:)` without the fast path (the reference the fast path is tested against).
    init?(parsingThoroughly raw: String) {
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
