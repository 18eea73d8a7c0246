/// The tenant a page is shown for, read from the Host header the way a multi-tenant CRM would.
enum DemoTenant {
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
