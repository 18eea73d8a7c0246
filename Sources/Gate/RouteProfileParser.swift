import Foundation
import Mustache
import Yams

/// Walks the YAML node tree (Yams.compose keeps line marks) and builds a validated profile.
struct RouteProfileParser {
    let source: String
    let readFile: (String) throws -> String
    /// Top-level keys kept as `ProfileSetting`s for the caller to read (the gateway's settings).
    let settingKeys: Set<String>

    init(source: String, settingKeys: Set<String> = [], readFile: @escaping (String) throws -> String) {
        self.source = source
        self.settingKeys = settingKeys
        self.readFile = readFile
    }

    func error(_ node: Node?, _ message: String) -> RouteProfileError {
        RouteProfileError(source: self.source, line: node?.mark?.line, message: message)
    }

    static let topLevelKeys: Set<String> = [
        "classes", "unknown", "block_status", "licensing_url", "when_state_unknown", "max_snapshot_age",
        "template", "base_domains", "trusted_proxies", "https_redirect", "upstream", "upstream_groups",
        "upstream_routes", "upstream_max_fails", "upstream_backoff", "upstream_health_check", "upstream_dns_refresh",
        "time_zone", "operator",
    ]
    static let classKeys: Set<String> = ["name", "patterns", "action", "licensing_link"]
    static let templateKeys: Set<String> = ["html_ru", "html_en"]

    mutating func parse(_ yaml: String) throws(RouteProfileError) -> RouteProfile {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let yamlError as YamlError {
            throw self.describe(yamlError)
        } catch {
            throw RouteProfileError(source: self.source, line: nil, message: "not YAML: \(error)")
        }
        guard let root else { throw RouteProfileError(source: self.source, line: nil, message: "the profile is empty") }
        let pairs = try self.mapping(root, "the profile")
        var profile = RouteProfile.alfaCRM
        // Read after the classes, which may come later in the file.
        var redirectNode: Node?
        // Read after the groups, which may come later in the file.
        var routesNode: Node?
        for (keyNode, value) in pairs {
            let key = try self.string(keyNode, "a key")
            switch key {
            case "classes":
                profile.classes = try self.parseClasses(value)
            case "unknown":
                profile.unknownAction = try self.action(value, "unknown")
            case "when_state_unknown":
                profile.whenStateUnknown = try self.action(value, "when_state_unknown")
            case "block_status":
                guard let status = value.int, (400...599).contains(status) else {
                    throw self.error(value, "block_status must be an HTTP status between 400 and 599")
                }
                profile.blockStatus = status
            case "licensing_url":
                let url = try self.string(value, "licensing_url")
                let withoutBranch = url.replacingOccurrences(of: "{branch}", with: "1")
                guard url.hasPrefix("/") || url.hasPrefix("https://") || url.hasPrefix("http://"),
                    !withoutBranch.contains("{"), !withoutBranch.contains("}"),
                    !url.contains(where: { $0 == "\"" || $0 == "<" || $0 == ">" || $0.isWhitespace })
                else {
                    throw self.error(value, "licensing_url must be a path or URL whose only placeholder is {branch}")
                }
                profile.licensingURLTemplate = url
            case "max_snapshot_age":
                guard let seconds = value.float, seconds > 0, seconds.isFinite else {
                    throw self.error(value, "max_snapshot_age must be a positive number of seconds")
                }
                profile.maxSnapshotAge = seconds
            case "template":
                profile.templates = try self.parseTemplates(value)
            case "time_zone":
                profile.timeZone = try self.parseTimeZone(value)
            case "operator":
                profile.operatorBranding = try self.parseOperator(value)
            case "base_domains":
                profile.baseDomains = try self.parseBaseDomains(value)
            case "trusted_proxies":
                profile.trustedProxies = try self.parseTrustedProxies(value)
            case "https_redirect":
                redirectNode = value
            case "upstream":
                profile.upstreams = try self.parseUpstreamServers(value, "upstream")
            case "upstream_groups":
                profile.upstreamGroups = try self.parseUpstreamGroups(value)
            case "upstream_routes":
                routesNode = value
            case "upstream_dns_refresh":
                guard let seconds = value.float, seconds >= 0, seconds <= 86_400 else {
                    throw self.error(value, "upstream_dns_refresh must be a number of seconds from 0 to 86400")
                }
                profile.upstreamDNSRefresh = seconds
            case "upstream_health_check":
                profile.upstreamHealthCheck = try self.parseHealthCheck(value)
            case "upstream_max_fails":
                guard let count = value.int, count > 0 else {
                    throw self.error(value, "upstream_max_fails must be a whole number above 0")
                }
                profile.upstreamMaxFails = count
            case "upstream_backoff":
                guard let seconds = value.float, seconds > 0, seconds <= 86_400 else {
                    throw self.error(value, "upstream_backoff must be a number of seconds between 0 and 86400")
                }
                profile.upstreamBackoff = seconds
            default:
                guard self.settingKeys.contains(key) else {
                    let expected = Self.topLevelKeys.union(self.settingKeys).sorted().joined(separator: ", ")
                    throw self.error(keyNode, "unknown key '\(key)' (expected one of \(expected))")
                }
                // `null` (or `~`, or nothing) leaves the setting to its default, as if absent.
                if let scalar = value.scalar, scalar.style == .plain,
                    ["", "~", "null", "Null", "NULL"].contains(scalar.string)
                {
                    profile.settings[key] = nil
                } else {
                    profile.settings[key] = try self.parseSetting(value, key)
                }
            }
        }
        if let routesNode {
            profile.upstreamRoutes = try self.parseUpstreamRoutes(routesNode, groups: profile.upstreamGroups)
        }
        if let redirectNode {
            for entry in try self.sequence(redirectNode, "https_redirect") {
                let name = try self.string(entry, "a class name")
                guard profile.requestClass(named: name) != nil else {
                    throw self.error(entry, "https_redirect names no class '\(name)'")
                }
                profile.httpsRedirectClasses.insert(name)
            }
        }
        return profile
    }

    func describe(_ yamlError: YamlError) -> RouteProfileError {
        switch yamlError {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
            .composer(_, let problem, let mark, _):
            return RouteProfileError(source: self.source, line: mark.line, message: "invalid YAML: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return RouteProfileError(
                source: self.source,
                line: context.mark.line,
                message: "duplicated key \(duplicates.joined(separator: ", "))"
            )
        default:
            return RouteProfileError(source: self.source, line: nil, message: "invalid YAML: \(yamlError)")
        }
    }

    func mapping(_ node: Node, _ what: String) throws(RouteProfileError) -> [(Node, Node)] {
        guard let mapping = node.mapping else { throw self.error(node, "\(what) must be a mapping") }
        return mapping.map { ($0.key, $0.value) }
    }

    func sequence(_ node: Node, _ what: String) throws(RouteProfileError) -> [Node] {
        guard let sequence = node.sequence else { throw self.error(node, "\(what) must be a list") }
        return Array(sequence)
    }

    func string(_ node: Node, _ what: String) throws(RouteProfileError) -> String {
        guard let scalar = node.scalar else { throw self.error(node, "\(what) must be a string") }
        return scalar.string
    }

    /// A declared gateway setting: one scalar or a list of scalars, kept as written.
    func parseSetting(_ node: Node, _ key: String) throws(RouteProfileError) -> ProfileSetting {
        let line = node.mark.map { $0.line }
        if let scalar = node.scalar {
            return ProfileSetting(values: [scalar.string], isList: false, line: line)
        }
        guard let sequence = node.sequence else {
            throw self.error(node, "\(key) must be a value or a list of values")
        }
        var values: [String] = []
        for item in sequence {
            guard let scalar = item.scalar else { throw self.error(item, "each item of \(key) must be a value") }
            values.append(scalar.string)
        }
        return ProfileSetting(values: values, isList: true, line: line)
    }

    func action(_ node: Node, _ what: String) throws(RouteProfileError) -> ClassAction {
        let text = try self.string(node, what)
        guard let action = ClassAction(rawValue: text) else {
            throw self.error(node, "unknown action '\(text)' for \(what) (expected forward or block)")
        }
        return action
    }

    func parseClasses(_ node: Node) throws(RouteProfileError) -> [RequestClass] {
        var classes: [RequestClass] = []
        var names: Set<String> = []
        // Every pattern so far, with where it came from, for the shadowing check.
        var earlier: [(pattern: RoutePattern, className: String, line: Int?)] = []
        for entry in try self.sequence(node, "classes") {
            var name: String?
            var nameNode: Node?
            var patterns: [RoutePattern] = []
            var patternsSeen = false
            var action: ClassAction?
            var licensingLink = false
            var pending: [(RoutePattern, Node)] = []
            for (keyNode, value) in try self.mapping(entry, "a class") {
                let key = try self.string(keyNode, "a class key")
                switch key {
                case "name":
                    name = try self.string(value, "name")
                    nameNode = value
                case "patterns":
                    patternsSeen = true
                    for patternNode in try self.sequence(value, "patterns") {
                        let text = try self.string(patternNode, "a pattern")
                        do {
                            let pattern = try RoutePattern(text)
                            pending.append((pattern, patternNode))
                        } catch {
                            throw self.error(patternNode, "malformed pattern '\(text)': \(error)")
                        }
                    }
                case "action":
                    action = try self.action(value, "action")
                case "licensing_link":
                    guard let flag = value.bool else { throw self.error(value, "licensing_link must be true or false") }
                    licensingLink = flag
                default:
                    throw self.error(
                        keyNode,
                        "unknown class key '\(key)' (expected one of \(Self.classKeys.sorted().joined(separator: ", ")))"
                    )
                }
            }
            guard let name else { throw self.error(entry, "a class needs a name") }
            let validName =
                name.first.map { $0.isASCII && $0.isLetter } == true
                && name.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_" || $0 == "-") }
            guard validName else {
                throw self.error(nameNode, "class name '\(name)' must be lower-case letters, digits, '_' or '-'")
            }
            guard name != RequestClass.unknownName else {
                throw self.error(
                    nameNode,
                    "'unknown' is not a class name: set its policy with the top-level key unknown"
                )
            }
            guard names.insert(name).inserted else { throw self.error(nameNode, "class '\(name)' is defined twice") }
            guard patternsSeen, !pending.isEmpty else {
                throw self.error(entry, "class '\(name)' needs at least one pattern")
            }
            guard let action else { throw self.error(entry, "class '\(name)' needs an action (forward or block)") }
            for (pattern, patternNode) in pending {
                if let shadow = earlier.first(where: { pattern.isCovered(by: $0.pattern) }) {
                    let at = shadow.line.map { " (line \($0))" } ?? ""
                    throw self.error(
                        patternNode,
                        "pattern '\(pattern)' of class '\(name)' is shadowed by the earlier '\(shadow.pattern)' of class '\(shadow.className)'\(at): it can never match"
                    )
                }
                earlier.append((pattern, name, patternNode.mark?.line))
                patterns.append(pattern)
            }
            classes.append(RequestClass(name: name, patterns: patterns, action: action, licensingLink: licensingLink))
        }
        return classes
    }

    func parseTemplates(_ node: Node) throws(RouteProfileError) -> BlockedPageTemplates {
        var russian = BlockedPageTemplates.builtIn.russian
        var english = BlockedPageTemplates.builtIn.english
        for (keyNode, value) in try self.mapping(node, "template") {
            let key = try self.string(keyNode, "a template key")
            guard Self.templateKeys.contains(key) else {
                throw self.error(keyNode, "unknown template key '\(key)' (expected html_ru or html_en)")
            }
            let path = try self.string(value, key)
            let text: String
            do {
                text = try self.readFile(path)
            } catch {
                throw self.error(value, "cannot read template '\(path)': \(error.localizedDescription)")
            }
            do {
                _ = try MustacheTemplate(string: text)
            } catch {
                throw self.error(value, "template '\(path)' is not valid Mustache: \(error)")
            }
            if key == "html_ru" { russian = text } else { english = text }
        }
        return BlockedPageTemplates(russian: russian, english: english)
    }

    func parseBaseDomains(_ node: Node) throws(RouteProfileError) -> [String] {
        var domains: [String] = []
        for entry in try self.sequence(node, "base_domains") {
            let text = try self.string(entry, "a base domain")
            guard let authority = HostAuthority(parsing: text), authority.port == nil else {
                throw self.error(entry, "'\(text)' is not a domain name")
            }
            domains.append(authority.host)
        }
        guard !domains.isEmpty else { throw self.error(node, "base_domains must not be empty") }
        return domains
    }

    func parseTrustedProxies(_ node: Node) throws(RouteProfileError) -> [String] {
        var proxies: [String] = []
        for entry in try self.sequence(node, "trusted_proxies") {
            let text = try self.string(entry, "a trusted proxy")
            guard Self.isAddressOrBlock(text) else {
                throw self.error(entry, "'\(text)' is not an IP address or CIDR block")
            }
            proxies.append(text)
        }
        return proxies
    }

    static func isAddressOrBlock(_ text: String) -> Bool {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let address = parts.first else { return false }
        let isV6 = address.contains(":")
        if parts.count == 2 {
            guard let bits = Int(parts[1]), bits >= 0, bits <= (isV6 ? 128 : 32) else { return false }
        }
        if isV6 {
            return !address.isEmpty && address.allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." }
                && address.split(separator: ":", omittingEmptySubsequences: false).count <= 9
        }
        let octets = address.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4
            && octets.allSatisfy { octet in
                !octet.isEmpty && octet.count <= 3 && octet.allSatisfy(\.isASCII)
                    && Int(octet).map { $0 <= 255 } == true
            }
    }
}
