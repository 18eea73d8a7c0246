import Foundation
import NIOHTTP1
import TenantState

/// What `freezegate classify` prints: the gate's view of one request (tenant, canonical path,
/// readings, class) and its decision for every tenant state, judged with synthetic tenant
/// records so that no database is needed.
public enum ClassifyReport {
    /// The text `freezegate classify` prints.
    public static func render(
        method: String,
        url: String,
        host: String?,
        profile: RouteProfile,
        baseDomains: [String],
        at instant: Date
    )
        -> String
    {
        var lines: [String] = []
        let httpMethod = HTTPMethod(rawValue: method.uppercased())
        var headers = HTTPHeaders()
        if let host {
            headers.add(name: "Host", value: host)
        } else if let authority = Self.authority(of: url) {
            headers.add(name: "Host", value: authority)
        } else {
            headers.add(name: "Host", value: "localhost")
        }
        let head = HTTPRequestHead(version: .http1_1, method: httpMethod, uri: url, headers: headers)
        let gate = Gate(profile: profile, baseDomains: baseDomains)

        let resolved: ResolvedRequest
        switch gate.hostResolver.resolve(head) {
        case .failure(let rejection):
            lines.append("request:     \(method.uppercased()) \(url)")
            lines.append("decision:    reject 400 (\(rejection.rawValue))")
            return lines.joined(separator: "\n")
        case .success(let request):
            resolved = request
        }
        lines.append("request:     \(method.uppercased()) \(resolved.originTarget)")
        lines.append("host:        \(resolved.authority.host)")

        // Which tenant the host would be, with a synthetic record (no database is consulted).
        var key: String?
        var viaCustomDomain = false
        switch gate.hostResolver.tenant(forHost: resolved.authority.host, in: nil) {
        case .unverifiedTenant(let label): key = label
        case .tenant(let record): key = record.key
        case .none: break
        }
        if key == nil, !resolved.authority.host.hasPrefix("["),
            !baseDomains.map(DomainName.normalized).contains(resolved.authority.host)
        {
            viaCustomDomain = true
        }
        if let key {
            lines.append("tenant:      \(key)")
        } else if viaCustomDomain {
            lines.append("tenant:      none by base domain; shown below as if it were a registered custom domain")
        } else {
            lines.append("tenant:      none (forwarded untouched)")
        }

        let classification = TargetClassification.classify(
            target: resolved.originTarget,
            profile: profile,
            withReadings: true
        )
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
        lines.append(
            "class:       \(classification.requestClass.name) (\(classification.requestClass.action.rawValue) while frozen or expired)"
        )
        lines.append("at:          \(Self.iso8601(instant))")

        guard key != nil || viaCustomDomain else {
            let decision = gate.decide(
                head: head,
                snapshot: TenantSnapshot(records: [], loadedAt: instant),
                now: instant
            )
            lines.append("decision:    \(Self.describe(decision))")
            return lines.joined(separator: "\n")
        }
        let tenantKey = key ?? "custom"
        let domains = viaCustomDomain ? [resolved.authority.host] : []
        let day: TimeInterval = 86400
        let states: [(String, TenantRecord)] = [
            ("active", TenantRecord(key: tenantKey, paidUntil: instant.addingTimeInterval(30 * day), domains: domains)),
            (
                "frozen",
                TenantRecord(
                    key: tenantKey,
                    paidUntil: instant.addingTimeInterval(60 * day),
                    domains: domains,
                    freezes: [
                        FreezeWindow(
                            id: 0,
                            start: instant.addingTimeInterval(-day),
                            end: instant.addingTimeInterval(30 * day)
                        )
                    ]
                )
            ),
            ("expired", TenantRecord(key: tenantKey, paidUntil: instant.addingTimeInterval(-day), domains: domains)),
        ]
        for (name, record) in states {
            let snapshot = TenantSnapshot(records: [record], loadedAt: instant)
            let decision = gate.decide(head: head, snapshot: snapshot, now: instant)
            var text = Self.describe(decision)
            if decision.summary.decision == "block" {
                // What an API client (Accept: application/json) would get.
                var jsonHead = head
                jsonHead.headers.replaceOrAdd(name: "Accept", value: "application/json")
                if case .respond(_, _, let body, _, _) = gate.decide(head: jsonHead, snapshot: snapshot, now: instant) {
                    text += " " + String(decoding: body, as: UTF8.self)
                }
            }
            lines.append("if \(name):" + String(repeating: " ", count: max(1, 9 - name.count)) + text)
        }
        let noSnapshot = gate.decide(head: head, snapshot: nil, now: instant)
        lines.append("no snapshot: \(Self.describe(noSnapshot))")
        return lines.joined(separator: "\n")
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

    static func iso8601(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}
