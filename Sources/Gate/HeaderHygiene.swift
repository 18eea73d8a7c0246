import Foundation
import HTTPHead
import NIOHTTP1

/// Removes request headers that upstream frameworks read as routing overrides: a
/// frozen tenant's request for `/` with `X-Original-URL: /company/1` must not reach the admin UI.
/// docs/ROUTING-OVERRIDES.md lists every name with the software that reads it.
public enum HeaderHygiene {
    /// Headers that frameworks, servers and proxies read as the "real" URL, path, prefix or host
    /// of the request (lower-cased). Not only `X-` names: PHP exposes every header as
    /// `$_SERVER['HTTP_…']`, and code that reads `HTTP_REQUEST_URI` or `HTTP_FORWARDED_HOST` for
    /// the real thing exists.
    public static let routingOverrideHeaders: Set<String> = [
        // The URL or path.
        "x-original-url", "x-original-uri", "x-rewrite-url", "x-rewrite-uri", "x-override-url", "x-original-path",
        "request-uri", "x-request-uri", "x-http-path-override", "x-envoy-original-path", "x-proxy-url",
        "x-forwarded-path", "x-forwarded-uri", "x-forwarded-url",
        // The prefix or script name the application is mounted under.
        "x-forwarded-prefix", "x-forwarded-script-name", "x-script-name", "x-forwarded-base", "base-url",
        // The host.
        "x-host", "x-http-host-override", "x-original-host", "x-forwarded-server", "forwarded-host", "proxy-host",
    ]

    /// Headers that change the method a framework dispatches on.
    public static let methodOverrideHeaders: Set<String> = [
        "x-http-method-override", "x-http-method", "x-method-override",
    ]

    /// Names the rules of ``clean(_:removeMethodOverrides:)`` can remove besides the two sets.
    static let otherRemovableHeaders: Set<String> = ["http2-settings", "upgrade"]

    /// `fields` without routing overrides, names containing `_` (which CGI-style servers turn
    /// into the same variable as the `-` spelling), an `h2c` upgrade (after which requests would
    /// bypass the gate) and any `HTTP2-Settings`, and, when `removeMethodOverrides`, method
    /// overrides. Unchanged fields keep their order and spelling.
    public static func clean(_ fields: RequestFields, removeMethodOverrides: Bool) -> RequestFields {
        // Nearly every request has no name any rule could remove (`Upgrade` is one of those that
        // might): one walk of the cheap pre-filter over the bytes settles it.
        var candidates = false
        fields.forEach { _, name, _ in
            if !candidates && Self.mayBeRemoved(name) { candidates = true }
        }
        guard candidates else { return fields }
        var upgradesToH2C = false
        for index in 0..<fields.count where fields.name(at: index, is: "upgrade") {
            if fields.valueText(at: index).split(separator: ",").contains(where: {
                $0.trimmingWhitespace().lowercased().hasPrefix("h2c")
            }) {
                upgradesToH2C = true
            }
        }
        func removed(_ index: Int) -> Bool {
            let isCandidate = fields.name(at: index).withUnsafeBytes { Self.mayBeRemoved($0) }
            guard isCandidate else { return false }
            let lowered = fields.nameText(at: index).lowercased()
            if lowered.contains("_") || routingOverrideHeaders.contains(lowered) { return true }
            if removeMethodOverrides && methodOverrideHeaders.contains(lowered) { return true }
            // HTTP2-Settings only means something with an h2c upgrade, which is never tunnelled.
            if lowered == "http2-settings" { return true }
            if upgradesToH2C && lowered == "upgrade" { return true }
            return false
        }
        guard (0..<fields.count).contains(where: removed) else { return fields }
        return fields.removing(where: removed)
    }

    /// ``clean(_:removeMethodOverrides:)`` for NIO's `HTTPHeaders`.
    public static func clean(_ headers: HTTPHeaders, removeMethodOverrides: Bool) -> HTTPHeaders {
        let fields = RequestFields(headers)
        let cleaned = Self.clean(fields, removeMethodOverrides: removeMethodOverrides)
        return cleaned == fields ? headers : cleaned.headers
    }

    /// For each first letter `a`…`z`, a bit per name length (1…63) that some removable name
    /// has: built from the lists above, so a name added there can never be skipped below.
    static let firstLetterLengths: [UInt64] = {
        var table = [UInt64](repeating: 0, count: 26)
        for name in routingOverrideHeaders.union(methodOverrideHeaders).union(otherRemovableHeaders) {
            let utf8 = Array(name.utf8)
            guard let first = utf8.first, first >= UInt8(ascii: "a"), first <= UInt8(ascii: "z"), utf8.count < 64
            else { preconditionFailure("removable header names are lower-case ASCII, under 64 bytes: \(name)") }
            table[Int(first - UInt8(ascii: "a"))] |= 1 << UInt64(utf8.count)
        }
        return table
    }()

    /// A cheap pre-filter run on every header of every request: false only for names that none of
    /// the rules above can remove (no `_`, and no listed name with the same first letter and
    /// length), so that ordinary headers are never lower-cased into a new string.
    static func mayBeRemoved(_ name: String) -> Bool {
        var name = name  // `withUTF8` makes the bytes contiguous where they are not (a native string's are)
        return name.withUTF8 { Self.mayBeRemoved(UnsafeRawBufferPointer($0)) }
    }

    /// ``mayBeRemoved(_:)`` for a name's bytes.
    static func mayBeRemoved(_ name: UnsafeRawBufferPointer) -> Bool {
        guard let first = name.first else { return false }
        if name.contains(UInt8(ascii: "_")) { return true }
        let letter = first | 0x20
        guard letter >= UInt8(ascii: "a"), letter <= UInt8(ascii: "z") else { return false }
        let length = name.count
        guard length < 64 else { return false }
        return Self.firstLetterLengths[Int(letter - UInt8(ascii: "a"))] & (1 << UInt64(length)) != 0
    }
}
