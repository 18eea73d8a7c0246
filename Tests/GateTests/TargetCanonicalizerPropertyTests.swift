import Foundation
import PropertyBased
import Testing

@testable import Gate

/// Fragments from which random targets are built: path words the profile knows, separators,
/// dot-segments, and every encoding trick of the attack corpus.
let targetPieces: [String] = [
    "/", "/", "/", "company", "customer", "teacher", "licensing", "api", "v2api", "assets", "login", "1", "x",
    "..", ".", "%2e", "%2E", "%2e%2e", ".%2e", "%2f", "%2F", "%5c", "\\", ";", ";x=1", "%3b", "%25", "%252e",
    "%252f", "%%32%65", "%u002e", "%00", "%0a", "%20", "%zz", "%", "%c0%ae", "%c0%af", "%e0%80%ae", "%ff",
    "ｃｏｍｐａｎｙ", "ｔｅａｃｈｅｒ", "．", "／", "\u{200B}", "%E2%80%8B", "%C2%AD", "ℂ", "#", "%3f", "%23", "?",
    "COMPANY", "Teacher", "//", "%41", "%2e%2e%2f", "..%2f", "%c0%ae%c0%ae", ";/", "..;", "%09", "%5c..%5c",
]

let randomTarget = Gen.int(in: 0...(targetPieces.count - 1)).array(of: 1...12).map { indices in
    "/" + indices.map { targetPieces[$0] }.joined()
}

let disguisedBases = [
    "/company/1/users", "/company", "/teacher/7/lessons", "/teacher", "/company/1/licensing/../settings",
]
let disguisePrefixes = ["", "/customer/..", "/api/x/../..", "/company/1/licensing/../..", "/assets/.."]

/// How a lenient decoder of the oracle below orders its steps.
struct LenientDecoderVariant: CustomStringConvertible {
    /// Strip `;` parameters from the raw segments before decoding (Tomcat) instead of after.
    var parametersBeforeDecoding: Bool
    /// Read `\` as `/` only in the raw target (before decoding) instead of after decoding.
    var backslashBeforeDecoding: Bool
    /// Cut the path at a decoded NUL instead of deleting controls.
    var truncateAtNUL: Bool
    /// Decode at most twice instead of until nothing changes.
    var decodeTwiceOnly: Bool

    var description: String {
        "params-first:\(self.parametersBeforeDecoding) backslash-first:\(self.backslashBeforeDecoding) nul-cut:\(self.truncateAtNUL) twice:\(self.decodeTwiceOnly)"
    }

    static let all: [LenientDecoderVariant] = (0..<16).map {
        LenientDecoderVariant(
            parametersBeforeDecoding: $0 & 1 != 0,
            backslashBeforeDecoding: $0 & 2 != 0,
            truncateAtNUL: $0 & 4 != 0,
            decodeTwiceOnly: $0 & 8 != 0
        )
    }
}

/// Deliberately lenient decoders, independent of the gate's implementation: they decode escapes
/// (`%XX`, `%uXXXX`, overlong UTF-8) repeatedly, fold NFKC, delete invisible characters, read
/// `\` as `/`, strip `;` parameters, trim trailing dots and spaces, resolve dot-segments and
/// lower-case, each variant in its own order. If any of them sees an admin or teacher path, the
/// gate must not forward the target for a frozen tenant.
func lenientlyDecodedSegments(_ target: String, _ variant: LenientDecoderVariant) -> [String] {
    var text = target
    if let cut = text.firstIndex(where: { $0 == "?" }) { text = String(text[..<cut]) }
    if variant.backslashBeforeDecoding { text = text.replacingOccurrences(of: "\\", with: "/") }
    if variant.parametersBeforeDecoding {
        text = text.split(separator: "/", omittingEmptySubsequences: false).map {
            String($0.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
        }.joined(separator: "/")
    }
    for _ in 0..<(variant.decodeTwiceOnly ? 2 : 16) {
        let bytes = PercentDecoding.decodeOnce(Array(text.utf8), unicodeEscapes: true)
        let next = UTF8Reading.decode(bytes, lenient: true).text
        if next == text { break }
        text = next
    }
    if variant.truncateAtNUL, let nul = text.firstIndex(of: "\u{0}") { text = String(text[..<nul]) }
    text = text.precomposedStringWithCompatibilityMapping
    text = String(
        String.UnicodeScalarView(
            text.unicodeScalars.filter {
                !TargetCanonicalizer.invisibleScalars.contains($0.value) && $0.value >= 0x20 && $0.value != 0x7F
            }
        )
    )
    if !variant.backslashBeforeDecoding { text = text.replacingOccurrences(of: "\\", with: "/") }
    var segments: [String] = []
    for raw in text.split(separator: "/", omittingEmptySubsequences: true) {
        var segment = String(raw)
        if !variant.parametersBeforeDecoding {
            segment = String(raw.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
        }
        if segment != "." && segment != ".." {
            while let last = segment.last, last == "." || last == " " { segment.removeLast() }
        }
        segment = segment.lowercased()
        switch segment {
        case "", ".": continue
        case "..": if !segments.isEmpty { segments.removeLast() }
        default: segments.append(segment)
        }
    }
    return segments
}

@Suite struct TargetCanonicalizerPropertyTests {
    @Test func canonicalisingTwiceChangesNothing() async {
        await propertyCheck(count: 2000, input: randomTarget) { target in
            let once = TargetCanonicalizer.canonicalize(target).path
            let twice = TargetCanonicalizer.canonicalize(once).path
            #expect(once == twice, "\(target)")
        }
    }

    @Test func canonicalReadingComesFirst() async {
        await propertyCheck(count: 500, input: randomTarget) { target in
            let canonical = TargetCanonicalizer.canonicalize(target)
            let readings = TargetCanonicalizer.readings(of: target)
            #expect(readings.first == canonical.reading, "\(target)")
            #expect(canonical.isAmbiguous || readings.count == 1, "\(target)")
        }
    }

    @Test func lenientAdminOrTeacherReadingIsNeverForwardedForAFrozenTenant() async {
        let profile = RouteProfile.alfaCRM
        await propertyCheck(count: 3000, input: randomTarget) { target in
            let seen = LenientDecoderVariant.all.compactMap { variant -> String? in
                let name = profile.classify(lenientlyDecodedSegments(target, variant)).name
                return name == "admin" || name == "teacher" ? "\(name) (\(variant))" : nil
            }
            guard let first = seen.first else { return }
            let decision = defaultGate.decide(
                head: requestHead(.GET, target),
                snapshot: fixtureSnapshot(),
                now: fixtureNow
            )
            let forwarded = decision.isForward
            #expect(!forwarded, "\(target) reads leniently as \(first)")
        }
    }

    /// Admin and teacher paths disguised with random encodings: never forwarded when frozen.
    @Test func disguisedAdminPathsAreNeverForwarded() async {
        let disguise = Gen.int(in: 0...9).array(of: 24)
        let base = Gen.int(in: 0...(disguisedBases.count - 1)).map { disguisedBases[$0] }
        let prefix = Gen.int(in: 0...(disguisePrefixes.count - 1)).map { disguisePrefixes[$0] }
        await propertyCheck(count: 2000, input: base, prefix, disguise) { base, prefix, choices in
            var target = ""
            var index = 0
            for character in prefix + base {
                let choice = choices[index % choices.count]
                index += 1
                switch (character, choice) {
                case ("/", 1): target += "%2f"
                case ("/", 2): target += "\\"
                case ("/", 3): target += "%5c"
                case ("/", 4): target += "/;x/../"
                case ("/", 5): target += "//"
                case (".", 1): target += "%2e"
                case (".", 2): target += "%252e"
                case (".", 3): target += "%c0%ae"
                case (".", 4): target += "．"
                case (_, 6) where character.isLetter:
                    target += String(character).uppercased()
                case (_, 7) where character.isLetter:
                    let scalar = character.unicodeScalars.first?.value ?? 0x61
                    target += String(Character(Unicode.Scalar(scalar - 0x61 + 0xFF41) ?? "a"))
                case (_, 8) where character.isLetter:
                    target += String(character) + "\u{200B}"
                case (_, 9) where character.isLetter:
                    target += "%" + String(character.asciiValue ?? 0x61, radix: 16)
                default: target.append(character)
                }
            }
            if !target.hasPrefix("/") { target = "/" + target }
            let decision = defaultGate.decide(
                head: requestHead(.GET, target),
                snapshot: fixtureSnapshot(),
                now: fixtureNow
            )
            let forwarded = decision.isForward
            #expect(!forwarded, "\(target)")
        }
    }

    /// The oracle property is not vacuous: a fair share of random targets do read as admin or
    /// teacher to some lenient decoder (and of those, many are not plainly admin to the gate).
    @Test func lenientOracleFindsAdminTargets() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        var lenientHits = 0
        var disguised = 0
        for _ in 0..<2000 {
            let target = "/" + (0..<(1 + next(12))).map { _ in targetPieces[next(targetPieces.count)] }.joined()
            let hit = LenientDecoderVariant.all.contains { variant in
                let name = RouteProfile.alfaCRM.classify(lenientlyDecodedSegments(target, variant)).name
                return name == "admin" || name == "teacher"
            }
            guard hit else { continue }
            lenientHits += 1
            let canonical = RouteProfile.alfaCRM.classify(TargetCanonicalizer.canonicalize(target).segments).name
            if canonical != "admin" && canonical != "teacher" { disguised += 1 }
        }
        #expect(lenientHits >= 100, "only \(lenientHits) of 2000 random targets read as admin/teacher")
        #expect(disguised >= 20, "only \(disguised) disguised admin/teacher targets")
    }
}
