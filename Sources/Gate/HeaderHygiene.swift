import Foundation
import NIOHTTP1

/// Removes request headers that upstream frameworks read as routing overrides (CONTRACT §4): a
/// frozen tenant's request for `/` with `X-Original-URL: /company/1` must not reach the admin UI.
public enum HeaderHygiene {
    /// Headers that Symfony, Zend/Laminas, IIS URL Rewrite, Spring, Express, Envoy and others
    /// read as the "real" URL, path, prefix or host of the request (lower-cased).
    public static let routingOverrideHeaders: Set<String> = [
        "x-original-url", "x-rewrite-url", "x-override-url", "x-original-uri", "x-rewrite-uri", "x-original-path",
        "x-forwarded-prefix", "x-forwarded-path", "x-forwarded-uri", "x-forwarded-url", "x-forwarded-server",
        "x-forwarded-script-name", "x-script-name", "x-envoy-original-path", "x-request-uri", "x-proxy-url",
        "x-original-host", "x-host", "x-http-host-override", "x-forwarded-base", "base-url",
    ]

    /// Headers that change the method a framework dispatches on.
    public static let methodOverrideHeaders: Set<String> = [
        "x-http-method-override", "x-http-method", "x-method-override",
    ]

    /// `headers` without routing overrides, names containing `_` (which CGI-style servers turn
    /// into the same variable as the `-` spelling), an `h2c` upgrade (after which requests would
    /// bypass the gate) and any `HTTP2-Settings`, and, when `removeMethodOverrides`, method overrides. Unchanged headers
    /// keep their order and spelling.
    public static func clean(_ headers: HTTPHeaders, removeMethodOverrides: Bool) -> HTTPHeaders {
        let upgradesToH2C = headers["Upgrade"].contains { value in
            value.split(separator: ",").contains {
                $0.trimmingCharacters(in: .whitespaces).lowercased().hasPrefix("h2c")
            }
        }
        func removed(_ name: String) -> Bool {
            guard Self.mayBeRemoved(name) else { return false }
            let lowered = name.lowercased()
            if lowered.contains("_") || routingOverrideHeaders.contains(lowered) { return true }
            if removeMethodOverrides && methodOverrideHeaders.contains(lowered) { return true }
            // HTTP2-Settings only means something with an h2c upgrade, which is never tunnelled.
            if lowered == "http2-settings" { return true }
            if upgradesToH2C && lowered == "upgrade" { return true }
            return false
        }
        guard headers.contains(where: { removed($0.name) }) else { return headers }
        return HTTPHeaders(headers.filter { !removed($0.name) }.map { ($0.name, $0.value) })
    }

    /// A cheap pre-filter run on every header of every request: false only for names that none of
    /// the rules above can remove (no `_`, and not starting like any listed name), so that
    /// ordinary headers are never lower-cased into a new string.
    static func mayBeRemoved(_ name: String) -> Bool {
        let utf8 = name.utf8
        guard let first = utf8.first else { return false }
        if utf8.contains(UInt8(ascii: "_")) { return true }
        switch first | 0x20 {
        case UInt8(ascii: "x"): return true
        case UInt8(ascii: "b"): return utf8.count == "base-url".utf8.count
        case UInt8(ascii: "h"): return utf8.count == "http2-settings".utf8.count
        case UInt8(ascii: "u"): return utf8.count == "upgrade".utf8.count
        default: return false
        }
    }
}
