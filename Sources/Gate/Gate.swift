import Foundation
import HTTPHead
import NIOHTTP1
import TenantModel

/// The gate: host → tenant, target → class, snapshot → state, policy → decision.
/// Pure: no I/O, no clock of its own, safe to call from any event loop.
public struct Gate: Sendable {
    /// Everything the Gate holds, behind one reference: an event loop copies its Gate for every
    /// request, and a copy of the parts themselves retained and released every array and string of
    /// the profile (a per-cent of a forwarded request's CPU).
    private final class Parts: Sendable {
        let profile: RouteProfile
        let hostResolver: HostResolver
        let policy: AccessPolicy
        let renderer: BlockedPageRenderer
        let upstreamRoutes: [(domain: String, group: String)]

        init(profile: RouteProfile, baseDomains: [String]) {
            self.profile = profile
            self.hostResolver = HostResolver(baseDomains: baseDomains)
            self.policy = AccessPolicy(profile: profile)
            self.renderer = BlockedPageRenderer(templates: profile.templates, branding: profile.operatorBranding)
            self.upstreamRoutes = profile.upstreamRoutes.map { (DomainName.normalized($0.key), $0.value) }
                .sorted { $0.domain.count > $1.domain.count }
        }
    }

    private let parts: Parts

    public var profile: RouteProfile { self.parts.profile }
    public var hostResolver: HostResolver { self.parts.hostResolver }
    public var policy: AccessPolicy { self.parts.policy }
    var renderer: BlockedPageRenderer { self.parts.renderer }
    /// `upstream_routes`, longest base domain first.
    var upstreamRoutes: [(domain: String, group: String)] { self.parts.upstreamRoutes }

    /// `baseDomains` are the effective ones (command line, else profile, else `s20.online`).
    public init(profile: RouteProfile, baseDomains: [String]) {
        self.parts = Parts(profile: profile, baseDomains: baseDomains)
    }

    /// The group of a host's base domain (`upstream_routes`): the domain itself or a name under it.
    func upstreamGroup(forHost host: String) -> String? {
        for route in self.upstreamRoutes
        where host == route.domain || (host.count > route.domain.count && host.hasSuffix("." + route.domain)) {
            return route.group == "default" ? nil : route.group
        }
        return nil
    }

    /// Decides what to do with a request whose head has been read, at instant `now`. `requestID`
    /// (the exchange's `X-Request-Id`) is shown in the footer of a blocked HTML page.
    ///
    /// `isTLS`: the request came over HTTPS; a plain one of a class the profile's
    /// `https_redirect` names is answered with `308` to the same host and target over HTTPS.
    ///
    /// `pageCache`: the calling thread's blocked pages, rendered once each (nil renders every page).
    /// `hostCache`: the calling thread's tenants by host (nil looks every host up).
    public func decide(
        head: RequestHead,
        snapshot: TenantSnapshot?,
        now: Date,
        requestID: String? = nil,
        isTLS: Bool = false,
        pageCache: BlockedPageCache? = nil,
        hostCache: HostTenantCache? = nil
    ) -> GateDecision {
        let resolved: ResolvedRequest
        switch self.hostResolver.resolve(head) {
        case .failure(let rejection):
            return self.reject(
                head,
                tenant: nil,
                requestClass: "none",
                reason: rejection.rawValue,
                detail: rejection.explanation
            )
        case .success(let request):
            resolved = request
        }

        var usableSnapshot = snapshot
        if let snapshot, let maxAge = self.profile.maxSnapshotAge, now.timeIntervalSince(snapshot.loadedAt) > maxAge {
            usableSnapshot = nil
        }
        let lookup: TenantLookup
        let tenant: String?
        var tenantGroup: String?
        var tenantRecord: TenantRecord?
        let match: TenantHostMatch
        if let hostCache, let usableSnapshot {
            match = hostCache.tenant(forHost: resolved.authority.host, in: usableSnapshot, resolver: self.hostResolver)
        } else {
            match = self.hostResolver.tenant(forHost: resolved.authority.host, in: usableSnapshot)
        }
        switch match {
        case .tenant(let record):
            lookup = .condition(record.condition(at: now))
            tenant = record.key
            tenantGroup = record.upstreamGroup
            tenantRecord = record
        case .unverifiedTenant(let key):
            lookup = .noSnapshot
            tenant = key
        case .none:
            lookup = .unknownTenant
            tenant = nil
        }

        let restricted: Bool
        switch lookup {
        case .condition(.frozen), .condition(.expired): restricted = true
        case .noSnapshot: restricted = self.profile.whenStateUnknown == .block
        case .condition(.active), .unknownTenant: restricted = false
        }
        let classification = TargetClassification.classify(
            target: resolved.originTarget,
            profile: self.profile,
            withReadings: restricted
        )
        if !isTLS, !self.profile.httpsRedirectClasses.isEmpty,
            self.profile.httpsRedirectClasses.contains(classification.requestClass.name),
            resolved.originTarget.hasPrefix("/")
        {
            // The host as resolved (lower case, IDN in A-labels, no port: HTTPS's own 443).
            let location = "https://\(resolved.authority.host)\(resolved.originTarget)"
            return .respond(
                status: .permanentRedirect,
                headers: HTTPHeaders([("Location", location), ("Content-Length", "0"), ("Cache-Control", "no-store")]),
                body: [],
                closeConnection: false,
                summary: GateSummary(
                    tenant: tenant,
                    requestClass: classification.requestClass.name,
                    decision: "redirect",
                    reason: nil
                )
            )
        }

        switch self.policy.decide(lookup, classification) {
        case .forward:
            var forwardHead = resolved.forwardHead
            forwardHead.fields = HeaderHygiene.clean(
                forwardHead.fields,
                removeMethodOverrides: classification.anyReadingBlocked
            )
            let summary = GateSummary(
                tenant: tenant,
                requestClass: classification.requestClass.name,
                decision: "forward",
                reason: nil,
                upstreamGroup: tenantGroup
                    ?? (self.upstreamRoutes.isEmpty ? nil : self.upstreamGroup(forHost: resolved.authority.host))
            )
            return .forward(forwardHead, summary)
        case .block(let reason, let until, let licensingURL):
            let blockingClass =
                classification.firstBlockedReading?.requestClass ?? classification.requestClass
            let facts = self.pageFacts(
                reason: reason,
                tenant: tenant,
                record: tenantRecord,
                host: resolved.authority.host,
                audience: PageAudience.of(blockingClass),
                until: until,
                licensingURL: licensingURL,
                requestID: requestID,
                now: now
            )
            let response = BlockedResponse.blocked(
                request: head.httpRequestHead,
                status: reason == .stateUnknown ? 503 : self.profile.blockStatus,
                facts: facts,
                renderer: self.renderer,
                pageCache: pageCache
            )
            let summary = GateSummary(
                tenant: tenant,
                requestClass: blockingClass.name,
                decision: "block",
                reason: reason.rawValue
            )
            return .respond(
                status: response.status,
                headers: response.headers,
                body: response.body,
                closeConnection: false,
                summary: summary
            )
        case .reject:
            return self.reject(
                head,
                tenant: tenant,
                requestClass: classification.requestClass.name,
                reason: "ambiguous_target",
                detail: "ambiguous request target: more readings than the gateway checks"
            )
        }
    }

    /// ``decide(head:snapshot:now:requestID:isTLS:pageCache:hostCache:)`` for a head of NIO's type
    /// (the command line's `classify`, tests).
    public func decide(
        head: HTTPRequestHead,
        snapshot: TenantSnapshot?,
        now: Date,
        requestID: String? = nil,
        isTLS: Bool = false,
        pageCache: BlockedPageCache? = nil,
        hostCache: HostTenantCache? = nil
    ) -> GateDecision {
        self.decide(
            head: RequestHead(head),
            snapshot: snapshot,
            now: now,
            requestID: requestID,
            isTLS: isTLS,
            pageCache: pageCache,
            hostCache: hostCache
        )
    }

    private func reject(
        _ head: RequestHead,
        tenant: String?,
        requestClass: String,
        reason: String,
        detail: String
    ) -> GateDecision {
        let response = BlockedResponse.badRequest(request: head.httpRequestHead, detail: detail)
        return .respond(
            status: response.status,
            headers: response.headers,
            body: response.body,
            closeConnection: true,
            summary: GateSummary(tenant: tenant, requestClass: requestClass, decision: "reject", reason: reason)
        )
    }
}
