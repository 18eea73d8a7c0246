import Testing

@testable import Gate

@Suite struct RouteProfileTests {
    /// The default AlfaCRM profile (docs/PROFILE.md), class by class, on canonical paths.
    @Test(arguments: [
        ("/company/1/licensing", "licensing"),
        ("/company/1/licensing/", "licensing"),
        ("/company/12/licensing/pay", "licensing"),
        ("/company/12/licensing/pay/card?x=1", "licensing"),
        ("/COMPANY/1/LICENSING", "licensing"),
        ("/company/licensing", "admin"),
        ("/company/1/licensing2", "admin"),
        ("/company/1/2/licensing", "admin"),
        ("/company", "admin"),
        ("/company/", "admin"),
        ("/company/1", "admin"),
        ("/company/1/users/index", "admin"),
        ("/company/1/customer/index", "admin"),
        ("/teacher", "teacher"),
        ("/teacher/1/lessons", "teacher"),
        ("/customer", "client"),
        ("/customer/1/lessons", "client"),
        ("/v2api", "api"),
        ("/v2api/1/customer/index", "api"),
        ("/v2api/auth/login", "api"),
        ("/api", "webhook"),
        ("/api/webhook/payment", "webhook"),
        ("/", "public"),
        ("/?next=/company", "public"),
        ("/login", "public"),
        ("/login?next=%2Fcompany", "public"),
        ("/logout", "public"),
        ("/common/captcha", "public"),
        ("/assets/app.css", "public"),
        ("/favicon.ico", "public"),
        ("/robots.txt", "public"),
        ("/login/x", "unknown"),
        ("/companyx", "unknown"),
        ("/teachers", "unknown"),
        ("/customers", "unknown"),
        ("/v2", "unknown"),
        ("/apix", "unknown"),
        ("/favicon.png", "unknown"),
        ("/admin", "unknown"),
        ("/robots.txt/x", "unknown"),
    ])
    func defaultProfileClasses(target: String, expected: String) {
        let segments = TargetCanonicalizer.canonicalize(target).segments
        #expect(RouteProfile.alfaCRM.classify(segments).name == expected)
    }

    @Test func defaultActionsFollowTheContract() {
        let actions = Dictionary(uniqueKeysWithValues: RouteProfile.alfaCRM.classes.map { ($0.name, $0.action) })
        #expect(
            actions == [
                "licensing": .forward, "admin": .block, "teacher": .block, "client": .forward, "api": .forward,
                "webhook": .forward, "public": .forward,
            ]
        )
        #expect(RouteProfile.alfaCRM.unknownAction == .block)
        #expect(RouteProfile.alfaCRM.blockStatus == 403)
        #expect(RouteProfile.alfaCRM.whenStateUnknown == .forward)
        #expect(RouteProfile.alfaCRM.classes.filter(\.licensingLink).map(\.name) == ["admin"])
    }

    @Test(arguments: [
        (["company", "7", "users"], "/company/7/licensing"),
        (["company", "7"], "/company/7/licensing"),
        (["company"], "/company/1/licensing"),
        (["company", "x<script>", "users"], "/company/1/licensing"),
        (["teacher", "5"], "/company/1/licensing"),
        (["company", "12345678901234567890"], "/company/1/licensing"),
    ])
    func licensingURLTakesOnlyANumericBranch(segments: [String], expected: String) {
        #expect(RouteProfile.alfaCRM.licensingURL(for: segments) == expected)
    }
}
