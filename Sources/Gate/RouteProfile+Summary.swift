extension RouteProfile {
    /// What `freezegate check-config` prints for a valid profile:
    /// `OK: 7 classes (licensing, admin, …); blocked when frozen: admin, teacher, unknown; …`.
    public var summary: String {
        let profile = self
        let names = profile.classes.map(\.name).joined(separator: ", ")
        let blocked = (profile.classes + [profile.unknownClass]).filter { $0.action == .block }.map(\.name)
        var lines = [
            "OK: \(profile.classes.count) classes (\(names))",
            "  blocked while frozen or expired: \(blocked.isEmpty ? "none" : blocked.joined(separator: ", "))",
            "  unknown paths: \(profile.unknownAction.rawValue)",
            "  block status: \(profile.blockStatus)",
            "  licensing URL: \(profile.licensingURLTemplate)",
            "  when state unknown: \(profile.whenStateUnknown.rawValue)",
        ]
        if let age = profile.maxSnapshotAge { lines.append("  max snapshot age: \(age) s") }
        if let domains = profile.baseDomains { lines.append("  base domains: \(domains.joined(separator: ", "))") }
        if !profile.trustedProxies.isEmpty {
            lines.append("  trusted proxies: \(profile.trustedProxies.joined(separator: ", "))")
        }
        if profile.templates != .builtIn { lines.append("  blocked page: custom template") }
        if profile.timeZone.identifier != RouteProfile.defaultTimeZoneIdentifier {
            lines.append("  blocked page time zone: \(profile.timeZone.identifier)")
        }
        if let name = profile.operatorBranding.name { lines.append("  operator: \(name)") }
        if let servers = profile.upstreams {
            lines.append("  upstream: \(servers.map(\.url).joined(separator: ", "))")
        }
        for group in profile.upstreamGroups {
            lines.append("  upstream group \(group.name): \(group.policy), \(group.servers.count) server(s)")
        }
        for (domain, group) in profile.upstreamRoutes.sorted(by: { $0.key < $1.key }) {
            lines.append("  \(domain) → upstream group \(group)")
        }
        if let check = profile.upstreamHealthCheck {
            lines.append("  upstream health check: GET \(check.path) every \(check.interval) s")
        }
        return lines.joined(separator: "\n")
    }
}
