/// The tenant a page is shown for, read from the Host header the way a multi-tenant CRM would.
enum DemoTenant {
    /// The host without port, trailing dot or upper case: `CRM.Acme-School.localhost:8080` → `crm.acme-school.localhost`.
    static func hostName(_ host: String?) -> String? {
        guard var host = host?.lowercased(), !host.isEmpty, !host.hasPrefix("[") else { return nil }
        if let colon = host.firstIndex(of: ":") { host = String(host[..<colon]) }
        if host.hasSuffix(".") { host.removeLast() }
        return host
    }

    /// The tenant a registered custom domain belongs to (`--domain crm.acme-school.localhost=acme`),
    /// else the first label of the host.
    static func key(fromHost host: String?, customDomains: [String: String]) -> String {
        if let name = hostName(host), let tenant = customDomains[name] { return tenant }
        return key(fromHost: host)
    }

    /// `acme.s20.online:8080` → `acme`, `acme.localhost` → `acme` (browsers resolve `*.localhost` locally);
    /// a bare host such as `localhost` or an IP address → `demo`.
    static func key(fromHost host: String?) -> String {
        guard var host = host?.lowercased(), !host.isEmpty else { return "demo" }
        if host.hasPrefix("[") { return "demo" }
        if let colon = host.firstIndex(of: ":") { host = String(host[..<colon]) }
        if host.hasSuffix(".") { host.removeLast() }
        let labels = host.split(separator: ".")
        if labels.allSatisfy({ $0.allSatisfy(\.isNumber) }) { return "demo" }
        let isLocal = labels.count == 2 && labels.last == "localhost"
        guard labels.count >= 3 || isLocal, let first = labels.first else { return "demo" }
        return String(first)
    }
}
