import Testing

@testable import Gate

@Suite struct RoutePatternTests {
    @Test(arguments: [
        ("/", [String](), true),
        ("/", ["company"], false),
        ("/company/**", [], false),
        ("/company/**", ["company"], true),
        ("/company/**", ["company", "1", "users"], true),
        ("/company/**", ["companyx"], false),
        ("/company/*/licensing", ["company", "1", "licensing"], true),
        ("/company/*/licensing", ["company", "licensing"], false),
        ("/company/*/licensing", ["company", "1", "licensing", "x"], false),
        ("/company/*/licensing/**", ["company", "1", "licensing", "x", "y"], true),
        ("/company/*/licensing/**", ["company", "1", "licensing"], true),
        ("/favicon.ico", ["favicon.ico"], true),
        ("/Login", ["login"], true),
        ("/*", ["anything"], true),
        ("/*", [], false),
        ("/**", [], true),
        ("/**", ["a", "b"], true),
    ])
    func matching(pattern: String, path: [String], expected: Bool) throws {
        #expect(try RoutePattern(pattern).matches(path) == expected)
    }

    @Test(arguments: [
        ("company/**", RoutePatternError.notAbsolute),
        ("/company//x", .emptySegment),
        ("/company/", .emptySegment),
        ("/**/x", .anyRestNotLast),
        ("/comp*", .wildcardInsideSegment("comp*")),
        ("/a/***", .wildcardInsideSegment("***")),
        ("/a/../b", .dotSegment),
        ("/a%2fb", .invalidCharacter("a%2fb")),
        ("/a b", .invalidCharacter("a b")),
        ("/a?b", .invalidCharacter("a?b")),
    ])
    func malformedPatterns(pattern: String, error: RoutePatternError) {
        #expect(throws: error) { try RoutePattern(pattern) }
    }

    @Test(arguments: [
        ("/company/*/licensing", "/company/**", true),
        ("/company/**", "/company/*/licensing", false),
        ("/company/1", "/company/*", true),
        ("/company/*", "/company/1", false),
        ("/company", "/company/**", true),
        ("/company/**", "/company/**", true),
        ("/company/**", "/**", true),
        ("/", "/**", true),
        ("/teacher/**", "/company/**", false),
        ("/company/*/x/**", "/company/*/**", true),
        ("/company/*/x/**", "/company/*/x", false),
        ("/a/b", "/a/b", true),
    ])
    func coverage(specific: String, general: String, covered: Bool) throws {
        #expect(try RoutePattern(specific).isCovered(by: RoutePattern(general)) == covered)
    }
}
