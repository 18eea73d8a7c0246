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
    "COMPANY", "Teacher", "//", "%41",
]

let randomTarget = Gen.int(in: 0...(targetPieces.count - 1)).array(of: 1...12).map { indices in
    "/" + indices.map { targetPieces[$0] }.joined()
}

let disguisedBases = [
    "/company/1/users", "/company", "/teacher/7/lessons", "/teacher", "/company/1/licensing/../settings",
]
let disguisePrefixes = ["", "/customer/..", "/api/x/../..", "/company/1/licensing/../..", "/assets/.."]

/// A deliberately lenient decoder, independent of the gate's implementation: decodes escapes
/// (`%XX`, `%uXXXX`, overlong UTF-8) until nothing changes, folds NFKC, deletes invisible
/// characters and controls, reads `\` as `/`, strips `;` parameters, trims trailing dots and
/// spaces, resolves dot-segments and lower-cases. If that decoder sees an admin or teacher path,
/// the gate must not forward the target for a frozen tenant.
func lenientlyDecodedSegments(_ target: String) -> [String] {
    var text = target
    if let cut = text.firstIndex(where: { $0 == "?" }) { text = String(text[..<cut]) }
    for _ in 0..<16 {
        let bytes = PercentDecoding.decodeOnce(Array(text.utf8), unicodeEscapes: true)
        let next = UTF8Reading.decode(bytes, lenient: true).text
        if next == text { break }
        text = next
    }
    text = text.precomposedStringWithCompatibilityMapping
    text = String(
        String.UnicodeScalarView(
            text.unicodeScalars.filter {
                !TargetCanonicalizer.invisibleScalars.contains($0.value) && $0.value >= 0x20 && $0.value != 0x7F
            }
        )
    )
    text = text.replacingOccurrences(of: "\\", with: "/")
    var segments: [String] = []
    for raw in text.split(separator: "/", omittingEmptySubsequences: true) {
        var segment = String(raw.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
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

    @Test func leniently_admin_or_teacher_is_never_forwarded_for_a_frozen_tenant() async {
        let profile = RouteProfile.alfaCRM
        await propertyCheck(count: 3000, input: randomTarget) { target in
            let lenient = profile.classify(lenientlyDecodedSegments(target))
            guard lenient.name == "admin" || lenient.name == "teacher" else { return }
            let decision = defaultGate.decide(
                head: requestHead(.GET, target),
                snapshot: fixtureSnapshot(),
                now: fixtureNow
            )
            let forwarded = decision.isForward
            #expect(!forwarded, "\(target) reads leniently as \(lenient.name)")
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
}
