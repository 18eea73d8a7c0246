import Testing

@testable import Gate

@Suite struct TargetCanonicalizerTests {
    /// Unambiguous targets: the canonical path, and no ambiguity reported.
    @Test(arguments: [
        ("/", "/"),
        ("/company/1/users", "/company/1/users"),
        ("/COMPANY/1/Users", "/company/1/users"),
        ("/company/1/users/", "/company/1/users/"),
        ("/company//1///users", "/company/1/users"),
        ("/company/1/users?x=1&y=/teacher", "/company/1/users"),
        ("/company/1?", "/company/1"),
        ("/compan%79/1", "/company/1"),
        ("/%63%6F%6D%70%61%6E%79", "/company"),
        ("/customer/%D0%BE%D1%82%D1%87%D1%91%D1%82", "/customer/отчёт"),
        ("/customer/%D0%9E%D0%A2%D0%A7%D0%81%D0%A2", "/customer/отчёт"),
        ("/customer/a-b_c~d", "/customer/a-b_c~d"),
        ("/customer/a+b", "/customer/a+b"),
        ("/customer/a%20b", "/customer/a%20b"),
        ("/customer/a%3Db", "/customer/a=b"),
        ("/assets/app.min.js", "/assets/app.min.js"),
        ("/assets/.well-known/x", "/assets/.well-known/x"),
        ("/company/1/licensing", "/company/1/licensing"),
    ])
    func canonicalPathOfUnambiguousTargets(target: String, expected: String) {
        let canonical = TargetCanonicalizer.canonicalize(target)
        #expect(canonical.path == expected)
        #expect(canonical.ambiguities.isEmpty, "\(target): \(canonical.ambiguities.sorted())")
    }

    /// Dot-segments are resolved in the canonical reading but make the target ambiguous (a raw
    /// prefix router would not resolve them).
    @Test(arguments: [
        ("/customer/../company/1", "/company/1"),
        ("/customer/./x", "/customer/x"),
        ("/a/b/c/./../../g", "/a/g"),
        ("/mid/content=5/../6", "/mid/6"),
        ("/../company", "/company"),
        ("/../../..", "/"),
        ("/company/..", "/"),
        ("/company/.", "/company/"),
        ("/company/1/licensing/../../company/1/users", "/company/company/1/users"),
        ("/company/1/licensing/../../../company/1/users", "/company/1/users"),
        ("/customer/%2e%2e/company/1", "/company/1"),
        ("/customer/.%2E/company/1", "/company/1"),
        ("/customer/%2e/x", "/customer/x"),
    ])
    func dotSegments(target: String, expected: String) {
        let canonical = TargetCanonicalizer.canonicalize(target)
        #expect(canonical.path == expected)
        #expect(canonical.isAmbiguous)
    }

    /// Each feature, alone, is detected.
    @Test(arguments: [
        ("/customer/x#y", TargetAmbiguity.fragment),
        ("/customer/a%2fb", .encodedSlash),
        ("/customer/a%2Fb", .encodedSlash),
        ("/customer/a%5cb", .encodedBackslash),
        ("/customer/a\\b", .backslash),
        ("/customer/a;b", .parameters),
        ("/customer/a%3bb", .parameters),
        ("/customer/a%00", .controlCharacter),
        ("/customer/a%0a", .controlCharacter),
        ("/customer/a%7f", .controlCharacter),
        ("/customer/a%09b", .whitespace),
        ("/customer/a%09b", .controlCharacter),
        ("/customer/%20x", .whitespace),
        ("/customer/x%C2%A0", .whitespace),
        ("/customer/%E3%80%80x", .whitespace),
        ("/customer/a%E2%88%95b", .lookalikeSeparator),
        ("/customer/a¥b", .lookalikeSeparator),
        ("/customer/a%zz", .invalidEscape),
        ("/customer/a%", .invalidEscape),
        ("/customer/a%4", .invalidEscape),
        ("/customer/a%+0", .signedEscape),
        ("/customer/a%-0", .signedEscape),
        ("/customer/a%25+0", .signedEscape),
        ("/customer/a%25+0", .doubleEncoding),
        ("/customer/a%+0", .controlCharacter),
        ("/customer/%u0041", .unicodeEscape),
        ("/customer/%252e", .doubleEncoding),
        ("/customer/%%32%65", .doubleEncoding),
        ("/customer/%ff", .invalidUTF8),
        ("/customer/%e2%82", .invalidUTF8),
        ("/customer/%c0%ae", .overlongUTF8),
        ("/customer/%e0%80%ae", .overlongUTF8),
        ("/customer/ｘ", .compatibilityForm),
        ("/customer/%EF%BD%98", .compatibilityForm),
        ("/customer/ﬁle", .compatibilityForm),
        ("/customer/x\u{200B}", .invisibleCharacter),
        ("/customer/x%C2%AD", .invisibleCharacter),
        ("/customer/x%EF%BB%BF", .invisibleCharacter),
        ("/customer/x%E2%81%A0", .invisibleCharacter),
        ("/customer/отчёт", .rawNonASCII),
        ("/customer/%2e%2e/x", .encodedDot),
        ("/customer/../x", .dotSegment),
        ("/customer/x%3f", .encodedQuery),
        ("/customer/x%23", .encodedQuery),
        ("/customer/x.", .trailingDotOrSpace),
        ("/customer/x%20", .trailingDotOrSpace),
        ("//customer/x", .networkPath),
        ("/assets/...", .trailingDotOrSpace),
    ])
    func detectsEachAmbiguity(target: String, ambiguity: TargetAmbiguity) {
        let found = TargetCanonicalizer.canonicalize(target).ambiguities
        #expect(found.contains(ambiguity), "\(target): \(found.sorted())")
    }

    /// The readings of ambiguous targets include what the lenient parsers see.
    @Test(arguments: [
        ("/company/1/licensing%2f..%2fusers", "/company/1/users"),
        ("/customer/..;/company/1", "/company/1"),
        ("/customer/.%09./company/1", "/company/1"),
        ("/customer/..%20/company/1", "/company/1"),
        ("/customer/%C2%A0../company/1", "/company/1"),
        ("/customer/..%E2%88%95company/1", "/company/1"),
        // `;` then a combining mark: one character in Swift, still a `;` to a server that reads bytes.
        ("/customer/..;\u{31C}x/company/1", "/company/1"),
        ("/customer/%2e%2e;\u{31C}pany/1", "/1"),
        // A sign in an escape: a NUL to decoders built on sscanf("%2x"), which ends the path there.
        ("/company/1/licensing/..%+0/users", "/company/1"),
        ("/company/1/licensing/..%-0/users", "/company/1"),
        ("/company/1/licensing/..%25+0/users", "/company/1"),
        ("/customer\\..\\company", "/company"),
        ("/customer/%252e%252e/company", "/company"),
        ("/customer/%c0%ae%c0%ae/company", "/company"),
        ("/ｃｏｍｐａｎｙ/1", "/company/1"),
        ("/co\u{200B}mpany", "/company"),
        ("/customer#/../company", "/company"),
        ("/company/../customer", "/company/../customer"),
        ("/customer/..%00/x", "/x"),
        ("//customer/company/1", "/company/1"),
        ("/company./1", "/company/1"),
        ("/customer/%u002e%u002e/company", "/company"),
        ("/customer/x%3f/../../company", "/company"),
    ])
    func readingsIncludeTheLenientOne(target: String, reading: String) {
        let readings = TargetCanonicalizer.readings(of: target).map(\.path)
        #expect(readings.contains(reading), "\(target): \(readings)")
        #expect(readings.first == TargetCanonicalizer.canonicalize(target).path)
    }

    @Test func unambiguousTargetHasOneReading() {
        #expect(TargetCanonicalizer.readings(of: "/company/1/users?x=%2f").count == 1)
    }

    @Test func readingsAreDistinctAndBounded() {
        let nasty = "/" + String(repeating: "%252e%2f..;\\ｃ\u{200B}%00%c0%ae#/", count: 20)
        let readings = TargetCanonicalizer.readings(of: nasty)
        #expect(readings.count <= 1 + 29)
        #expect(Set(readings.map(\.segments)).count == readings.count)
    }

    @Test func queryIsKeptForDisplay() {
        #expect(TargetCanonicalizer.canonicalize("/a?b=c#d").query == "b=c")
        #expect(TargetCanonicalizer.canonicalize("/a").query == nil)
    }
}
