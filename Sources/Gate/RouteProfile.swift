import Foundation

/// The routing profile: request classes in matching order and the policy around them.
///
/// Built in is the AlfaCRM profile (`RouteProfile.alfaCRM`); a YAML file can
/// replace it (`RouteProfile(yaml:source:readFile:)`, format in docs/PROFILE.md).
public struct RouteProfile: Sendable {
    /// Classes in matching order: the first class with a matching pattern wins.
    public var classes: [RequestClass]
    /// What paths no class matches get while the tenant is frozen or expired.
    public var unknownAction: ClassAction
    /// The status of the blocked response.
    public var blockStatus: Int
    /// The Licensing link, `{branch}` replaced by the branch of the request's own
    /// `/company/{branch}/…` path, `1` when it has none.
    public var licensingURLTemplate: String
    /// What blocked classes get while no tenant snapshot is loaded (or it is older than
    /// `maxSnapshotAge`): forward by default, since locking every school out on a database hiccup
    /// is worse than a late freeze.
    public var whenStateUnknown: ClassAction
    /// A snapshot older than this many seconds counts as no snapshot; `nil`: never too old.
    public var maxSnapshotAge: TimeInterval?
    /// The blocked page's templates.
    public var templates: BlockedPageTemplates
    /// Base domains named by the profile (the command line's `--base-domain` wins).
    public var baseDomains: [String]?
    /// Addresses or CIDR blocks whose `Forwarded`/`X-Forwarded-*` headers the proxy trusts.
    public var trustedProxies: [String]
    /// Classes whose requests on the plain listener get `308` to the same host and target over
    /// HTTPS (`https_redirect`); none by default, and `api`/`webhook` belong in it only when every
    /// integration can follow a redirect.
    public var httpsRedirectClasses: Set<String> = []
    /// The default group's servers named by the profile (`upstream`; the command line wins).
    public var upstreams: [ProfileUpstreamServer]?
    /// Named upstream groups (`upstream_groups`).
    public var upstreamGroups: [ProfileUpstreamGroup] = []
    /// Normalised base domain → group name (`upstream_routes`); tenants of an unlisted base
    /// domain go to the default group.
    public var upstreamRoutes: [String: String] = [:]
    /// `upstream_max_fails` and `upstream_backoff` (seconds), when the profile sets them.
    public var upstreamMaxFails: Int?
    public var upstreamBackoff: Double?
    /// `upstream_dns_refresh` (seconds; 0: names are resolved at start only).
    public var upstreamDNSRefresh: Double?
    /// `upstream_health_check`: active checks of every server; nil: passive health only.
    public var upstreamHealthCheck: ProfileHealthCheck?
    /// `time_zone`: the zone of the blocked page's dates for tenants without their own (set in
    /// SQL). Europe/Moscow unless the profile says otherwise: the built-in page is Russian, its
    /// readers are schools that mostly keep Moscow time, and a date in UTC would be three hours
    /// off for them.
    public var timeZone: TimeZone = RouteProfile.defaultTimeZone
    /// `operator`: the name, support contacts and logo on the built-in blocked page.
    public var operatorBranding = OperatorBranding()
    /// The gateway's own settings written in the file (listeners, TLS files, logs, limits), by
    /// key: only the keys the caller declared are accepted, and the caller reads them.
    public var settings: [String: ProfileSetting] = [:]

    public static let defaultTimeZoneIdentifier = "Europe/Moscow"
    static let defaultTimeZone: TimeZone =
        TimeZone(identifier: defaultTimeZoneIdentifier) ?? TimeZone(secondsFromGMT: 3 * 3600) ?? .gmt

    public init(
        classes: [RequestClass],
        unknownAction: ClassAction = .block,
        blockStatus: Int = 403,
        licensingURLTemplate: String = "/company/{branch}/licensing",
        whenStateUnknown: ClassAction = .forward,
        maxSnapshotAge: TimeInterval? = nil,
        templates: BlockedPageTemplates = .builtIn,
        baseDomains: [String]? = nil,
        trustedProxies: [String] = []
    ) {
        self.classes = classes
        self.unknownAction = unknownAction
        self.blockStatus = blockStatus
        self.licensingURLTemplate = licensingURLTemplate
        self.whenStateUnknown = whenStateUnknown
        self.maxSnapshotAge = maxSnapshotAge
        self.templates = templates
        self.baseDomains = baseDomains
        self.trustedProxies = trustedProxies
    }

    /// The class of a canonical path (a reading's segments).
    public func classify(_ segments: [String]) -> RequestClass {
        // By index: the classes are not copied (nor their pattern arrays retained) to be tried.
        for index in self.classes.indices where self.classes[index].patterns.contains(where: { $0.matches(segments) }) {
            return self.classes[index]
        }
        return self.unknownClass
    }

    /// The pseudo-class of paths that no pattern matches.
    public var unknownClass: RequestClass {
        RequestClass(name: RequestClass.unknownName, patterns: [], action: self.unknownAction)
    }

    /// The class with this name (`unknown` included).
    public func requestClass(named name: String) -> RequestClass? {
        name == RequestClass.unknownName ? self.unknownClass : self.classes.first { $0.name == name }
    }

    /// The Licensing URL for a request with these canonical segments. Only a numeric branch is
    /// taken from the request, so nothing a client sends is echoed into the page or the JSON.
    public func licensingURL(for segments: [String]) -> String {
        var branch = "1"
        if segments.count >= 2, segments[0] == "company", !segments[1].isEmpty, segments[1].count <= 18,
            segments[1].utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
        {
            branch = segments[1]
        }
        return self.licensingURLTemplate.replacingEvery("{branch}", with: branch)
    }
}
