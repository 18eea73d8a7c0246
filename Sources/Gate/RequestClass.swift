/// One class of requests of the route profile (`admin`, `teacher`, `licensing`, …).
public struct RequestClass: Sendable, Hashable {
    /// The name, used in logs, metrics labels and `GateSummary.requestClass`.
    public let name: String
    /// Patterns in matching order.
    public let patterns: [RoutePattern]
    /// What the class gets while the tenant is frozen or expired.
    public let action: ClassAction
    /// Whether the blocked response offers the link to the Licensing section (admin pages: the
    /// main administrator is the one who can pay).
    public let licensingLink: Bool

    public init(name: String, patterns: [RoutePattern], action: ClassAction, licensingLink: Bool = false) {
        self.name = name
        self.patterns = patterns
        self.action = action
        self.licensingLink = licensingLink
    }

    /// The name of the class of paths no pattern matches.
    public static let unknownName = "unknown"
}
