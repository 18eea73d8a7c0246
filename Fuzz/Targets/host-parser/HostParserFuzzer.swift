import Foundation
import FuzzSupport
import Gate
import NIOHTTP1
import TenantModel

// Fuzzes the `Host` parser (`HostAuthority`) and the tenant it resolves to. A broken invariant traps:
// - parsing is idempotent: the parsed host and port, written again, parse to the same authority;
// - a parsed host is only lower-case letters, digits, `-`, `_` and dots, or a bracketed IPv6 literal;
// - a `Host` that a lenient server reads as the frozen tenant's name (whitespace trimmed, case
//   folded, port and trailing dots dropped) never gets a frozen tenant's admin page forwarded.

private let now = Date(timeIntervalSince1970: 1_800_000_000)
private let frozen = TenantSnapshot(
    records: [
        TenantRecord(
            key: "acme",
            paidUntil: now.addingTimeInterval(30 * 86400),
            freezes: [FreezeWindow(id: 1, start: now.addingTimeInterval(-86400), end: now.addingTimeInterval(86400))]
        )
    ],
    loadedAt: now
)
private let gate = Gate(profile: .alfaCRM, baseDomains: ["s20.online"])

private func isAdminForwardedWhileFrozen(host: String) -> Bool {
    let head = HTTPRequestHead(
        version: .http1_1,
        method: .GET,
        uri: "/company/1/users",
        headers: HTTPHeaders([("Host", host)])
    )
    if case .forward = gate.decide(head: head, snapshot: frozen, now: now) { return true }
    return false
}

/// The harness's premise, checked once: the tenant's admin page is blocked, another host's is not.
private let premise: Void = {
    precondition(!isAdminForwardedWhileFrozen(host: "acme.s20.online"), "the fuzzing tenant is not frozen")
    precondition(isAdminForwardedWhileFrozen(host: "other.example"), "another site's admin is not forwarded")
}()

/// How a lenient server reads a `Host` value: trimmed, lower-cased, without a numeric port or
/// trailing dots.
private func lenientHost(_ raw: String) -> String {
    var host = Substring(raw.lowercased())
    while let first = host.first, first == " " || first == "\t" { host.removeFirst() }
    while let last = host.last, last == " " || last == "\t" { host.removeLast() }
    if let colon = host.lastIndex(of: ":"), host[host.index(after: colon)...].allSatisfy(\.isASCII),
        host[host.index(after: colon)...].allSatisfy(\.isNumber)
    {
        host = host[..<colon]
    }
    while host.last == "." { host.removeLast() }
    return String(host)
}

private func isNormalizedHost(_ host: String) -> Bool {
    if host.hasPrefix("[") {
        return host.hasSuffix("]") && host.dropFirst().dropLast().allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." }
    }
    return host.utf8.allSatisfy { byte in
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
            || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHostParser(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    premise
    let raw = String(decoding: UnsafeBufferPointer(start: start, count: count), as: UTF8.self)

    if let authority = HostAuthority(parsing: raw) {
        guard isNormalizedHost(authority.host) else {
            fatalError("\(raw.debugDescription) parses to the host \(authority.host.debugDescription)")
        }
        let written = authority.host + (authority.port.map { ":\($0)" } ?? "")
        guard HostAuthority(parsing: written) == authority else {
            fatalError("parsing is not idempotent: \(raw.debugDescription) → \(written.debugDescription)")
        }
    }

    if lenientHost(raw) == "acme.s20.online", isAdminForwardedWhileFrozen(host: raw) {
        fatalError("\(raw.debugDescription) reads as the frozen tenant, but its admin page is forwarded")
    }
    return 0
}

/// The program's entry (see `runFuzzerDriver`).
@_cdecl("fuzz_host_parser_main")
func entryPoint(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    runFuzzerDriver(argc: argc, argv: argv, testOneInput: fuzzHostParser)
}
