import Yams

/// The upstream keys of the profile: `upstream` (the default group's servers), `upstream_groups`,
/// `upstream_routes` (base domain → group), `upstream_max_fails` and `upstream_backoff`.
extension RouteProfileParser {
    static let groupKeys: Set<String> = ["policy", "servers"]
    static let serverKeys: Set<String> = ["url", "weight"]

    /// A list of servers, each a URL or `{url, weight}`; a single URL is a list of one.
    func parseUpstreamServers(_ node: Node, _ what: String) throws(RouteProfileError) -> [ProfileUpstreamServer] {
        let entries = node.scalar != nil ? [node] : try self.sequence(node, what)
        var servers: [ProfileUpstreamServer] = []
        for entry in entries {
            var url: String?
            var weight = 1
            if entry.scalar != nil {
                url = try self.string(entry, "a server")
            } else {
                for (keyNode, value) in try self.mapping(entry, "a server") {
                    let key = try self.string(keyNode, "a server key")
                    switch key {
                    case "url":
                        url = try self.string(value, "url")
                    case "weight":
                        guard let number = value.int, number > 0, number <= 1000 else {
                            throw self.error(value, "weight must be a whole number from 1 to 1000")
                        }
                        weight = number
                    default:
                        throw self.error(keyNode, "unknown server key '\(key)' (expected url, weight)")
                    }
                }
            }
            guard let url else { throw self.error(entry, "a server needs a url") }
            try self.checkServerURL(url, entry)
            servers.append(ProfileUpstreamServer(url: url, weight: weight, line: entry.mark?.line))
        }
        guard !servers.isEmpty else { throw self.error(node, "\(what) has no servers") }
        return servers
    }

    /// `http://HOST[:PORT]` or `https://HOST[:PORT]` — the port 80 or 443 when not written, as
    /// for `--upstream` (the full check of the host comes when the settings are built).
    func checkServerURL(_ url: String, _ node: Node) throws(RouteProfileError) {
        let lower = url.lowercased()
        guard let scheme = ["http://", "https://"].first(where: { lower.hasPrefix($0) }) else {
            throw self.error(node, "server '\(url)' is not an http:// or https:// URL")
        }
        var authority = Substring(url.dropFirst(scheme.count))
        if authority.hasSuffix("/") { authority = authority.dropLast() }
        guard !authority.isEmpty, !authority.hasPrefix(":") else {
            throw self.error(node, "server '\(url)' has no host (write \(scheme)HOST[:PORT])")
        }
        // A port, when written, is digits (after an IPv6 address's closing bracket).
        let afterHost = authority.lastIndex(of: "]").map { authority[authority.index(after: $0)...] } ?? authority
        if !afterHost.isEmpty, let colon = afterHost.lastIndex(of: ":") {
            let port = afterHost[afterHost.index(after: colon)...]
            guard !port.isEmpty, port.allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int(port),
                (1...65535).contains(number)
            else {
                throw self.error(node, "server '\(url)' has an invalid port (write \(scheme)HOST[:PORT])")
            }
        }
    }

    func parseUpstreamGroups(_ node: Node) throws(RouteProfileError) -> [ProfileUpstreamGroup] {
        var groups: [ProfileUpstreamGroup] = []
        for (nameNode, value) in try self.mapping(node, "upstream_groups") {
            let name = try self.string(nameNode, "a group name")
            guard !name.isEmpty, name != "default",
                name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") })
            else {
                throw self.error(nameNode, "group name '\(name)' must be letters, digits, '_' or '-' and not 'default'")
            }
            var policy = "round_robin"
            var servers: [ProfileUpstreamServer]?
            for (keyNode, field) in try self.mapping(value, "group '\(name)'") {
                let key = try self.string(keyNode, "a group key")
                switch key {
                case "policy":
                    policy = try self.string(field, "policy")
                    guard ProfileUpstreamGroup.policies.contains(policy) else {
                        throw self.error(
                            field,
                            "unknown policy '\(policy)' (expected \(ProfileUpstreamGroup.policies.joined(separator: ", ")))"
                        )
                    }
                case "servers":
                    servers = try self.parseUpstreamServers(field, "group '\(name)'")
                default:
                    throw self.error(keyNode, "unknown group key '\(key)' (expected policy, servers)")
                }
            }
            guard let servers else { throw self.error(nameNode, "group '\(name)' has no servers") }
            groups.append(ProfileUpstreamGroup(name: name, policy: policy, servers: servers, line: nameNode.mark?.line))
        }
        return groups
    }

    /// `BASE-DOMAIN: GROUP` pairs; every group must be declared.
    func parseUpstreamRoutes(_ node: Node, groups: [ProfileUpstreamGroup]) throws(RouteProfileError) -> [String: String]
    {
        var routes: [String: String] = [:]
        for (domainNode, groupNode) in try self.mapping(node, "upstream_routes") {
            let text = try self.string(domainNode, "a base domain")
            guard let authority = HostAuthority(parsing: text), authority.port == nil else {
                throw self.error(domainNode, "'\(text)' is not a domain name")
            }
            let group = try self.string(groupNode, "a group name")
            guard group == "default" || groups.contains(where: { $0.name == group }) else {
                throw self.error(groupNode, "unknown upstream group '\(group)' (declare it under upstream_groups)")
            }
            routes[authority.host] = group
        }
        return routes
    }

    func parseHealthCheck(_ node: Node) throws(RouteProfileError) -> ProfileHealthCheck {
        var check = ProfileHealthCheck()
        for (keyNode, value) in try self.mapping(node, "upstream_health_check") {
            let key = try self.string(keyNode, "a health check key")
            switch key {
            case "path":
                let path = try self.string(value, "path")
                guard path.hasPrefix("/"), path.utf8.count <= 1024,
                    path.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F })
                else {
                    throw self.error(value, "path must be an origin-form path such as /healthz (printable ASCII)")
                }
                check.path = path
            case "interval", "timeout":
                guard let seconds = value.float, seconds > 0, seconds <= 3600 else {
                    throw self.error(value, "\(key) must be a number of seconds between 0 and 3600")
                }
                if key == "interval" { check.interval = seconds } else { check.timeout = seconds }
            case "healthy_threshold", "unhealthy_threshold":
                guard let count = value.int, count > 0, count <= 1000 else {
                    throw self.error(value, "\(key) must be a whole number from 1 to 1000")
                }
                if key == "healthy_threshold" {
                    check.healthyThreshold = count
                } else {
                    check.unhealthyThreshold = count
                }
            default:
                throw self.error(
                    keyNode,
                    "unknown health check key '\(key)' (expected \(ProfileHealthCheck.keys.sorted().joined(separator: ", ")))"
                )
            }
        }
        return check
    }
}
