import NIOCore

/// Parses the address flags of `freezegate serve`: `HOST:PORT` listeners and the
/// `http://HOST:PORT` upstream. Errors name the flag's problem in one line.
public enum EndpointParser {
    public struct InvalidEndpoint: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    /// `HOST:PORT`, `[IPv6]:PORT`; the host may be a name (resolved once, at start-up).
    public static func hostAndPort(_ text: String) throws -> (host: String, port: Int) {
        let host: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else {
                throw InvalidEndpoint(description: "'\(text)' has an unterminated IPv6 bracket")
            }
            host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { throw InvalidEndpoint(description: "'\(text)' has no :PORT") }
            portText = rest.dropFirst()
        } else {
            guard let colon = text.lastIndex(of: ":") else {
                throw InvalidEndpoint(description: "'\(text)' is not HOST:PORT")
            }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
            if host.contains(":") {
                throw InvalidEndpoint(description: "'\(text)': write IPv6 addresses as [ADDRESS]:PORT")
            }
        }
        guard !host.isEmpty else { throw InvalidEndpoint(description: "'\(text)' has an empty host") }
        guard !portText.isEmpty, portText.allSatisfy({ $0.isASCII && $0.isNumber }), let port = Int(portText),
            (0...65535).contains(port)
        else {
            throw InvalidEndpoint(description: "'\(text)' has an invalid port")
        }
        return (String(host), port)
    }

    /// `http://HOST[:PORT][/]` (port 80 by default). Only plain HTTP upstreams are supported.
    public static func upstreamURL(_ text: String) throws -> (host: String, port: Int) {
        let endpoint = try Self.upstreamEndpoint(text)
        return (endpoint.host, endpoint.port)
    }

    /// `http://HOST[:PORT]` (port 80) or `https://HOST[:PORT]` (port 443), without path, query or
    /// user.
    public static func upstreamEndpoint(_ text: String) throws -> (host: String, port: Int, tls: Bool) {
        let lower = text.lowercased()
        let tls: Bool
        if lower.hasPrefix("http://") {
            tls = false
        } else if lower.hasPrefix("https://") {
            tls = true
        } else {
            throw InvalidEndpoint(description: "'\(text)' is not an http:// or https://HOST:PORT URL")
        }
        var rest = Substring(text.dropFirst(tls ? 8 : 7))
        if rest.hasSuffix("/") { rest = rest.dropLast() }
        guard !rest.isEmpty, !rest.contains("/"), !rest.contains("?"), !rest.contains("#"), !rest.contains("@") else {
            throw InvalidEndpoint(description: "'\(text)' must be http://HOST:PORT without path, query or user")
        }
        let hasPort = rest.hasPrefix("[") ? rest.contains("]:") : rest.contains(":")
        let (host, port) = try self.hostAndPort(hasPort ? String(rest) : "\(rest):\(tls ? 443 : 80)")
        // Port 0 means "any free port" to a listener; nothing can be reached there.
        guard port != 0 else { throw InvalidEndpoint(description: "'\(text)' has an invalid port (0)") }
        // A name (letters, digits, '-', '_', '.') or an IP literal: nothing a resolver would
        // choke on later, when serving starts.
        guard host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.:".contains($0)) }) else {
            throw InvalidEndpoint(description: "'\(text)' has an invalid host '\(host)'")
        }
        return (host, port, tls)
    }

    /// Resolves `host` (blocking `getaddrinfo`: call at start-up, never on an event loop).
    public static func resolve(host: String, port: Int) throws -> SocketAddress {
        if let address = try? SocketAddress(ipAddress: host, port: port) { return address }
        do {
            return try SocketAddress.makeAddressResolvingHost(host, port: port)
        } catch {
            throw InvalidEndpoint(description: "cannot resolve host '\(host)'")
        }
    }
}
