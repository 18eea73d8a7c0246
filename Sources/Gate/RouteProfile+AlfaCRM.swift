extension RouteProfile {
    /// The default AlfaCRM profile (docs/PROFILE.md).
    public static let alfaCRM = RouteProfile(classes: alfaCRMClasses)

    static let alfaCRMClasses: [RequestClass] = [
        builtInClass("licensing", ["/company/*/licensing", "/company/*/licensing/**"], .forward),
        builtInClass("admin", ["/company/**"], .block, licensingLink: true),
        builtInClass("teacher", ["/teacher/**"], .block),
        builtInClass("client", ["/customer/**"], .forward),
        builtInClass("api", ["/v2api/**"], .forward),
        builtInClass("webhook", ["/api/**"], .forward),
        builtInClass(
            "public",
            ["/", "/login", "/logout", "/common/**", "/assets/**", "/favicon.ico", "/robots.txt"],
            .forward
        ),
    ]

    private static func builtInClass(
        _ name: String,
        _ patterns: [String],
        _ action: ClassAction,
        licensingLink: Bool = false
    )
        -> RequestClass
    {
        // The built-in patterns are constants checked by the tests; a bad one is a programming error.
        let parsed = patterns.map { text -> RoutePattern in
            do {
                return try RoutePattern(text)
            } catch {
                preconditionFailure("built-in pattern \(text): \(error)")
            }
        }
        return RequestClass(name: name, patterns: parsed, action: action, licensingLink: licensingLink)
    }
}
