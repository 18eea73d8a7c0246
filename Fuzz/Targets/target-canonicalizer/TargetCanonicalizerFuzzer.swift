import Foundation
import FuzzSupport
import Gate
import NIOHTTP1
import TenantModel

// Fuzzes `TargetCanonicalizer` through its public entry points and the gate's decision for a
// frozen tenant. A broken invariant traps:
// - canonicalising is idempotent: the canonical path canonicalises to the same reading;
// - no reading of a target that is of a blocked class (admin, teacher, unknown) — neither one the
//   canonicaliser lists nor the independent lenient reading below — is forwarded for a frozen tenant.

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

private func isForwardedWhileFrozen(_ target: String) -> Bool {
    let head = HTTPRequestHead(
        version: .http1_1,
        method: .GET,
        uri: target,
        headers: HTTPHeaders([("Host", "acme.s20.online")])
    )
    if case .forward = gate.decide(head: head, snapshot: frozen, now: now) { return true }
    return false
}

/// The harness's premise, checked once: the tenant is frozen (admin blocked) and a client
/// cabinet path is forwarded, so the invariants below are not vacuous.
private let premise: Void = {
    precondition(!isForwardedWhileFrozen("/company/1/users"), "the fuzzing tenant is not frozen")
    precondition(isForwardedWhileFrozen("/customer/1"), "the client cabinet is not forwarded")
}()

/// How a careless upstream might read the path, independently of the canonicaliser: up to `?` or
/// `#`, percent-decoded until nothing changes, cut at a NUL, `\` as `/`, `;` parameters and
/// trailing dots and spaces cut from each segment, dot-segments resolved, lower-cased.
private func lenientSegments(_ target: String) -> [String] {
    var bytes = Array(target.utf8.prefix { $0 != UInt8(ascii: "?") && $0 != UInt8(ascii: "#") })
    for _ in 0..<4 {
        var decoded: [UInt8] = []
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "%"), index + 2 < bytes.count,
                let value = UInt8(String(decoding: bytes[(index + 1)...(index + 2)], as: UTF8.self), radix: 16)
            {
                decoded.append(value)
                index += 3
            } else {
                decoded.append(bytes[index])
                index += 1
            }
        }
        if decoded == bytes { break }
        bytes = decoded
    }
    // A C string ends at NUL.
    bytes = Array(bytes.prefix { $0 != 0 })
    var segments: [String] = []
    for raw in bytes.split(whereSeparator: { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "\\") }) {
        var segment = String(decoding: raw.prefix { $0 != UInt8(ascii: ";") }, as: UTF8.self).lowercased()
        if segment != "." && segment != ".." {
            while let last = segment.last, last == "." || last == " " { segment.removeLast() }
        }
        switch segment {
        case "", ".": continue
        case "..": _ = segments.popLast()
        default: segments.append(segment)
        }
    }
    return segments
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTargetCanonicalizer(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    premise
    let target = String(decoding: UnsafeBufferPointer(start: start, count: count), as: UTF8.self)

    let canonical = TargetCanonicalizer.canonicalize(target)
    let again = TargetCanonicalizer.canonicalize(canonical.path)
    guard again.reading == canonical.reading else {
        fatalError(
            "canonicalising is not idempotent: \(target.debugDescription) → \(canonical.path.debugDescription) → \(again.path.debugDescription)"
        )
    }

    guard target.hasPrefix("/"), isForwardedWhileFrozen(target) else { return 0 }
    for reading in TargetCanonicalizer.readings(of: target)
    where RouteProfile.alfaCRM.classify(reading.segments).action == .block {
        fatalError(
            "\(target.debugDescription) is forwarded for a frozen tenant, but one of its readings is \(reading.path)"
        )
    }
    let lenient = lenientSegments(target)
    let lenientClass = RouteProfile.alfaCRM.classify(lenient)
    guard lenientClass.action == .forward else {
        fatalError(
            "\(target.debugDescription) is forwarded for a frozen tenant, but a lenient reading is \(lenient) (\(lenientClass.name))"
        )
    }
    return 0
}

/// The program's entry (see `runFuzzerDriver`).
@_cdecl("fuzz_target_canonicalizer_main")
func entryPoint(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    runFuzzerDriver(argc: argc, argv: argv, testOneInput: fuzzTargetCanonicalizer)
}
