import Foundation
import NIOHTTP1
import TenantModel

/// What `freezegate classify` prints: the gate's view of one request (tenant, canonical path,
/// readings, class) and its decision for every tenant state, judged with synthetic tenant
/// records so that no database is needed. `page` gives the response body itself, to preview a
/// profile's blocked page.
public enum ClassifyReport {
    /// The tenant states `classify` shows, in order.
    public static let states = ["active", "frozen", "expired"]

    /// The text `freezegate classify` prints.
    public static func render(
        method: String,
        url: String,
        host: String?,
        profile: RouteProfile,
        baseDomains: [String],
        at instant: Date
    ) -> String {
        var lines: [String] = []
        let head = self.requestHead(method: method, url: url, host: host, headers: [])
        let gate = Gate(profile: profile, baseDomains: baseDomains)
        let resolved: ResolvedRequest
        switch gate.hostResolver.resolve(head) {
        case .failure(let rejection):
            lines.append("request:     \(method.uppercased()) \(url)")
            lines.append("decision:    reject 400 (\(rejection.rawValue): \(rejection.explanation))")
            return lines.joined(separator: "\n")
        case .success(let request):
            resolved = request
        }
        lines.append("request:     \(method.uppercased()) \(resolved.originTarget)")
        lines.append("host:        \(resolved.authority.host)")

        let tenant = self.syntheticTenant(of: resolved, gate: gate, baseDomains: baseDomains)
        switch tenant {
        case .some(let tenant) where tenant.viaCustomDomain:
            lines.append("tenant:      none by base domain; shown below as if it were a registered custom domain")
        case .some(let tenant):
            lines.append("tenant:      \(tenant.key)")
        case .none:
            lines.append("tenant:      none (forwarded untouched)")
        }

        if resolved.originTarget != "*" {
            let canonical = TargetCanonicalizer.canonicalize(resolved.originTarget)
            lines.append("canonical:   \(canonical.path)")
            if canonical.isAmbiguous {
                lines.append("ambiguous:   \(canonical.ambiguities.sorted().map(\.rawValue).joined(separator: ", "))")
                let readings = TargetCanonicalizer.readings(of: resolved.originTarget)
                lines.append("readings:    \(readings.count)")
                for reading in readings {
                    lines.append("  \(reading.path)  → \(profile.classify(reading.segments).name)")
                }
            }
        }
        let classification = TargetClassification.classify(
            target: resolved.originTarget,
            profile: profile,
            withReadings: false
        )
        let requestClass = classification.requestClass
        lines.append("class:       \(requestClass.name) (\(requestClass.action.rawValue) while frozen or expired)")
        lines.append("at:          \(BlockedPageRenderer.iso8601(instant))")

        guard let tenant else {
            let empty = TenantSnapshot(records: [], loadedAt: instant)
            lines.append("decision:    \(self.describe(gate.decide(head: head, snapshot: empty, now: instant)))")
            return lines.joined(separator: "\n")
        }
        for state in self.states {
            let snapshot = self.snapshot(state: state, key: tenant.key, domains: tenant.domains, at: instant)
            let decision = gate.decide(head: head, snapshot: snapshot, now: instant)
            var text = self.describe(decision)
            if decision.summary.decision == "block" {
                // What an API client (Accept: application/json) would get.
                var jsonHead = head
                jsonHead.headers.replaceOrAdd(name: "Accept", value: "application/json")
                if case .respond(_, _, let body, _, _) = gate.decide(head: jsonHead, snapshot: snapshot, now: instant) {
                    text += " " + String(decoding: body, as: UTF8.self)
                }
            }
            lines.append("if \(state):" + String(repeating: " ", count: max(1, 9 - state.count)) + text)
        }
        let noSnapshot = gate.decide(head: head, snapshot: nil, now: instant)
        lines.append("no snapshot: \(self.describe(noSnapshot))")
        return lines.joined(separator: "\n")
    }

    /// What `freezegate classify` prints given a database: the tenant the host names in `snapshot`
    /// (the database's records, as the gateway would hold them), its state at `instant` with the
    /// until-date, and the one decision the gateway would take now; no made-up states.
    public static func render(
        method: String,
        url: String,
        host: String?,
        profile: RouteProfile,
        baseDomains: [String],
        at instant: Date,
        snapshot: TenantSnapshot
    ) -> String {
        var lines: [String] = []
        let head = self.requestHead(method: method, url: url, host: host, headers: [])
        let gate = Gate(profile: profile, baseDomains: baseDomains)
        let resolved: ResolvedRequest
        switch gate.hostResolver.resolve(head) {
        case .failure(let rejection):
            lines.append("request:     \(method.uppercased()) \(url)")
            lines.append("decision:    reject 400 (\(rejection.rawValue): \(rejection.explanation))")
            return lines.joined(separator: "\n")
        case .success(let request):
            resolved = request
        }
        let requestHost = resolved.authority.host
        lines.append("request:     \(method.uppercased()) \(resolved.originTarget)")
        lines.append("host:        \(requestHost)")
        let record: TenantRecord?
        switch gate.hostResolver.tenant(forHost: requestHost, in: snapshot) {
        case .tenant(let found):
            record = found
            let via = found.domains.contains(requestHost) ? " (custom domain \(requestHost))" : ""
            lines.append("tenant:      \(found.key)\(via)")
        case .unverifiedTenant, .none:
            record = nil
            if let key = self.keyUnderBaseDomain(host: requestHost, gate: gate) {
                lines.append("tenant:      none: no tenant '\(key)' in the database")
            } else {
                lines.append("tenant:      none: no tenant has this host (not a base domain, no custom domain)")
            }
        }
        let requestClass = TargetClassification.classify(
            target: resolved.originTarget,
            profile: profile,
            withReadings: false
        ).requestClass
        if resolved.originTarget != "*" {
            lines.append("canonical:   \(TargetCanonicalizer.canonicalize(resolved.originTarget).path)")
        }
        lines.append("class:       \(requestClass.name) (\(requestClass.action.rawValue) while frozen or expired)")
        lines.append("at:          \(BlockedPageRenderer.iso8601(instant))")
        if let record {
            lines.append("state:       \(self.stateText(record, at: instant))")
        }
        let decision = gate.decide(head: head, snapshot: snapshot, now: instant)
        var text = self.describe(decision)
        if decision.summary.decision == "block" {
            var jsonHead = head
            jsonHead.headers.replaceOrAdd(name: "Accept", value: "application/json")
            if case .respond(_, _, let body, _, _) = gate.decide(head: jsonHead, snapshot: snapshot, now: instant) {
                text += " " + String(decoding: body, as: UTF8.self)
            }
        }
        lines.append("decision:    \(text)")
        return lines.joined(separator: "\n")
    }

    /// "frozen from … until … (ends in 30 days)", "active, paid until … (ends in 90 days)",
    /// "expired, paid until …".
    static func stateText(_ record: TenantRecord, at instant: Date) -> String {
        let paidUntil = BlockedPageRenderer.iso8601(record.paidUntil)
        switch record.condition(at: instant) {
        case .frozen(let from, let until):
            return "frozen from \(BlockedPageRenderer.iso8601(from)) until \(BlockedPageRenderer.iso8601(until))"
                + " (ends \(DayCount.inDays(from: instant, to: until)))"
        case .active:
            return "active, paid until \(paidUntil) (ends \(DayCount.inDays(from: instant, to: record.paidUntil)))"
        case .expired:
            return "expired, paid until \(paidUntil)"
        }
    }

    /// The host of the request as the gateway normalises it; nil when the gateway rejects it.
    public static func host(method: String, url: String, host: String?, baseDomains: [String]) -> String? {
        let head = self.requestHead(method: method, url: url, host: host, headers: [])
        guard case .success(let resolved) = HostResolver(baseDomains: baseDomains).resolve(head) else { return nil }
        return resolved.authority.host
    }

    /// The tenant key a host names under one of the base domains (`acme` for `acme.s20.online`).
    public static func keyUnderBaseDomain(host: String, baseDomains: [String]) -> String? {
        self.keyUnderBaseDomain(host: host, gate: Gate(profile: .alfaCRM, baseDomains: baseDomains))
    }

    static func keyUnderBaseDomain(host: String, gate: Gate) -> String? {
        if case .unverifiedTenant(let key) = gate.hostResolver.tenant(forHost: host, in: nil) { return key }
        return nil
    }

    /// The body of the gateway's own response to the request while its tenant is in `state`
    /// (`active`, `frozen`, `expired`), as a client sending `headers` gets it; `nil` when the
    /// request would be forwarded or names no tenant.
    public static func page(
        method: String,
        url: String,
        host: String?,
        headers: [(String, String)],
        profile: RouteProfile,
        baseDomains: [String],
        at instant: Date,
        state: String
    ) -> String? {
        let head = self.requestHead(method: method, url: url, host: host, headers: headers)
        let gate = Gate(profile: profile, baseDomains: baseDomains)
        guard case .success(let resolved) = gate.hostResolver.resolve(head),
            let tenant = self.syntheticTenant(of: resolved, gate: gate, baseDomains: baseDomains)
        else { return nil }
        let snapshot = self.snapshot(state: state, key: tenant.key, domains: tenant.domains, at: instant)
        guard case .respond(_, _, let body, _, _) = gate.decide(head: head, snapshot: snapshot, now: instant) else {
            return nil
        }
        return String(decoding: body, as: UTF8.self)
    }

    static func requestHead(
        method: String,
        url: String,
        host: String?,
        headers extra: [(String, String)]
    ) -> HTTPRequestHead {
        // Values as the proxy's parser would hand them over for these UTF-8 bytes.
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: FieldValueText.wireForm(of: host ?? self.authority(of: url) ?? "localhost"))
        headers.add(contentsOf: extra.map { ($0.0, FieldValueText.wireForm(of: $0.1)) })
        return HTTPRequestHead(
            version: .http1_1,
            method: HTTPMethod(rawValue: method.uppercased()),
            uri: url,
            headers: headers
        )
    }

    /// The tenant the host would be: `<key>.<base-domain>`, or any other name (not a base domain
    /// or an IP literal) treated as a registered custom domain.
    static func syntheticTenant(
        of resolved: ResolvedRequest,
        gate: Gate,
        baseDomains: [String]
    )
        -> (key: String, domains: [String], viaCustomDomain: Bool)?
    {
        let host = resolved.authority.host
        switch gate.hostResolver.tenant(forHost: host, in: nil) {
        case .unverifiedTenant(let key): return (key, [], false)
        case .tenant(let record): return (record.key, [], false)
        case .none: break
        }
        let isIPLiteral = host.hasPrefix("[") || host.allSatisfy { $0.isNumber || $0 == "." }
        let isBaseOrBelow = gate.hostResolver.baseDomains.contains { host == $0 || host.hasSuffix("." + $0) }
        guard !isIPLiteral, !isBaseOrBelow else { return nil }
        return ("custom", [host], true)
    }

    /// A one-tenant snapshot in which the tenant is `state` at `instant` (a freeze runs from a day
    /// before to 30 days after; an expired licence ended a day before and is due for removal 30
    /// days after that).
    static func snapshot(state: String, key: String, domains: [String], at instant: Date) -> TenantSnapshot {
        let day: TimeInterval = 86400
        let record: TenantRecord
        switch state {
        case "frozen":
            let freeze = FreezeWindow(
                id: 0,
                start: instant.addingTimeInterval(-day),
                end: instant.addingTimeInterval(30 * day)
            )
            record = TenantRecord(
                key: key,
                paidUntil: instant.addingTimeInterval(60 * day),
                domains: domains,
                freezes: [freeze]
            )
        case "expired":
            record = TenantRecord(
                key: key,
                paidUntil: instant.addingTimeInterval(-day),
                domains: domains,
                expiresAt: instant.addingTimeInterval(-day),
                deleteAfter: instant.addingTimeInterval(29 * day)
            )
        default:
            record = TenantRecord(key: key, paidUntil: instant.addingTimeInterval(30 * day), domains: domains)
        }
        return TenantSnapshot(records: [record], loadedAt: instant)
    }

    static func authority(of url: String) -> String? {
        guard let range = url.range(of: "://") else { return nil }
        let rest = url[range.upperBound...]
        let end = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        return String(rest[..<end])
    }

    static func describe(_ decision: GateDecision) -> String {
        switch decision {
        case .forward:
            return "forward"
        case .respond(let status, _, _, _, let summary):
            var text = "\(summary.decision) \(status.code)"
            if let reason = summary.reason { text += " (\(reason))" }
            return text
        }
    }
}
