import Foundation
import TestSupport
import Testing

@testable import Gate

/// A cached blocked page is byte for byte the page Mustache renders for the same request, whatever
/// its request ID, template or facts; it is rendered once per page, not per request.
@Suite struct BlockedPageCacheTests {
    static let moscow = TimeZone(identifier: "Europe/Moscow") ?? .gmt
    let renderer = BlockedPageRenderer(
        templates: .builtIn,
        branding: OperatorBranding(name: "Школьная CRM", supportEmail: "help@crm.example")
    )

    func facts(
        _ reason: BlockReason = .tenantFrozen,
        _ audience: PageAudience = .admin,
        tenant: String = "acme",
        until: Date? = utc("2027-08-31T21:00:00Z"),
        zone: TimeZone = moscow,
        requestID: String? = "0123456789abcdef0123456789abcdef",
        now: Date = utc("2027-07-15T12:00:00Z")
    ) -> BlockedPageFacts {
        BlockedPageFacts(
            reason: reason,
            tenant: tenant,
            host: "\(tenant).s20.online",
            audience: audience,
            until: reason == .tenantFrozen ? until : nil,
            expiredSince: reason == .licenseExpired ? utc("2027-06-30T21:00:00Z") : nil,
            deleteAfter: reason == .licenseExpired ? utc("2027-07-30T21:00:00Z") : nil,
            licensingURL: audience == .admin ? "/company/1/licensing" : nil,
            timeZone: zone,
            requestID: requestID,
            now: now
        )
    }

    func rendered(_ facts: BlockedPageFacts, english: Bool, by renderer: BlockedPageRenderer? = nil) -> [UInt8] {
        Array((renderer ?? self.renderer).render(facts, english: english).utf8)
    }

    @Test func aCachedPageIsTheRenderedPageForEveryRequestIDAndRenderedOnce() {
        let cache = BlockedPageCache()
        var generator = SystemRandomNumberGenerator()
        for reason in [BlockReason.tenantFrozen, .licenseExpired, .stateUnknown] {
            for audience in [PageAudience.admin, .teacher] {
                for english in [false, true] {
                    let before = cache.renders
                    for _ in 0..<20 {
                        let id = String(
                            (0..<32).map { _ in "0123456789abcdef".randomElement(using: &generator) ?? "0" }
                        )
                        let facts = self.facts(reason, audience, requestID: id)
                        let page = self.renderer.page(facts, english: english, cache: cache)
                        #expect(page == self.rendered(facts, english: english))
                        #expect(String(decoding: page, as: UTF8.self).contains(id))
                    }
                    // The page with a marker and the probe: two renders for twenty requests.
                    #expect(cache.renders - before == 2, "\(reason) \(audience) english: \(english)")
                }
            }
        }
        #expect(cache.count == 12)
    }

    @Test func idsOfOtherShapesAreSplicedOrRenderedAsMustacheWould() {
        let cache = BlockedPageCache()
        for id in ["f47ac10b-58cc-4372-a567-0e02b2c3d479", "Root.1:2_x", "a&b", "<script>", "x\"y'z", "a b", ""] {
            let facts = self.facts(requestID: id)
            #expect(
                self.renderer.page(facts, english: false, cache: cache) == self.rendered(facts, english: false),
                "\(id)"
            )
        }
        let withoutID = self.facts(requestID: nil)
        #expect(self.renderer.page(withoutID, english: true, cache: cache) == self.rendered(withoutID, english: true))
        let escaped = String(
            decoding: self.renderer.page(self.facts(requestID: "<b>"), english: false, cache: cache),
            as: UTF8.self
        )
        #expect(escaped.contains("&lt;b&gt;") && !escaped.contains("<b></footer>"))
    }

    @Test func aTemplateThatChangesTheIDIsRenderedForEachRequest() {
        let template = "<p>{{tenant}}</p>{{#requestID}}<footer>{{uppercased(requestID)}}</footer>{{/requestID}}"
        let renderer = BlockedPageRenderer(templates: BlockedPageTemplates(russian: template, english: template))
        let cache = BlockedPageCache()
        for id in ["abc123", "def456", "Zz9"] {
            let facts = self.facts(requestID: id)
            let page = String(decoding: renderer.page(facts, english: false, cache: cache), as: UTF8.self)
            #expect(page == "<p>acme</p><footer>\(id.uppercased())</footer>")
        }
        // Marker, probe and the page itself once, then each request rendered once.
        #expect(cache.renders == 5)
    }

    @Test func aNewPageOfAKnownShapeCostsOneRender() {
        // Requests made to miss (a new tenant, a new Licensing link each time) cost one render, as
        // without the cache: the probe runs once per shape, not per page.
        let cache = BlockedPageCache()
        for index in 0..<10 {
            var facts = self.facts(tenant: "school\(index)")
            facts.licensingURL = "/company/\(index)/licensing"
            #expect(self.renderer.page(facts, english: false, cache: cache) == self.rendered(facts, english: false))
        }
        #expect(cache.renders == 2 + 9)
        // Another shape (no Licensing link: a teacher's page) is probed once too.
        let teacher = self.facts(.tenantFrozen, .teacher)
        _ = self.renderer.page(teacher, english: false, cache: cache)
        #expect(cache.renders == 2 + 9 + 2)
    }

    @Test func aTemplateHoldingTheMarkerItselfIsRenderedForEachRequest() {
        let template = "\(BlockedPageRenderer.marker) {{requestID}}"
        let renderer = BlockedPageRenderer(templates: BlockedPageTemplates(russian: template, english: template))
        let cache = BlockedPageCache()
        for id in ["abc123", "def456"] {
            let facts = self.facts(requestID: id)
            #expect(
                renderer.page(facts, english: false, cache: cache) == self.rendered(facts, english: false, by: renderer)
            )
        }
    }

    @Test func anyChangeOfWhatThePageSaysIsAnotherPage() {
        let cache = BlockedPageCache()
        let variants = [
            self.facts(),
            self.facts(tenant: "beta"),
            self.facts(until: utc("2027-09-30T21:00:00Z")),
            self.facts(until: utc("2027-09-30T21:30:00Z")),
            self.facts(zone: TimeZone(identifier: "Asia/Yekaterinburg") ?? .gmt),
            self.facts(.tenantFrozen, .teacher),
            self.facts(.licenseExpired),
        ]
        for facts in variants + variants {
            for english in [false, true] {
                #expect(
                    self.renderer.page(facts, english: english, cache: cache) == self.rendered(facts, english: english)
                )
            }
        }
        #expect(cache.count == variants.count * 2)
    }

    @Test func aPageThatNamesNoDateNamesTheOffsetOfTheRequestsInstant() {
        // No snapshot: the page names no date, so `{{timeZone}}` names the zone's offset at the
        // request's instant, which the change to summer time moves.
        let template = "<p>{{timeZone}}</p><footer>{{requestID}}</footer>"
        let renderer = BlockedPageRenderer(templates: BlockedPageTemplates(russian: template, english: template))
        let berlin = TimeZone(identifier: "Europe/Berlin") ?? .gmt
        let cache = BlockedPageCache()
        let winter = self.facts(.stateUnknown, zone: berlin, now: utc("2027-03-28T00:59:00Z"))
        let summer = self.facts(.stateUnknown, zone: berlin, now: utc("2027-03-28T01:01:00Z"))
        let winterPage = String(decoding: renderer.page(winter, english: true, cache: cache), as: UTF8.self)
        let summerPage = String(decoding: renderer.page(summer, english: true, cache: cache), as: UTF8.self)
        #expect(winterPage.hasPrefix("<p>Europe/Berlin, UTC+1</p>"))
        #expect(summerPage.hasPrefix("<p>Europe/Berlin, UTC+2</p>"))
        #expect(Array(summerPage.utf8) == self.rendered(summer, english: true, by: renderer))
    }

    @Test func anotherRendererStartsTheCacheOver() {
        let cache = BlockedPageCache()
        let facts = self.facts()
        _ = self.renderer.page(facts, english: false, cache: cache)
        let reloaded = BlockedPageRenderer(
            templates: BlockedPageTemplates(russian: "<p>{{title}} {{requestID}}</p>", english: "-")
        )
        #expect(
            String(decoding: reloaded.page(facts, english: false, cache: cache), as: UTF8.self)
                == "<p>Аккаунт заморожен 0123456789abcdef0123456789abcdef</p>"
        )
        #expect(cache.count == 1)
        #expect(self.renderer.page(facts, english: false, cache: cache) == self.rendered(facts, english: false))
    }

    @Test func aFullCacheStartsOverAndStaysRight() {
        let cache = BlockedPageCache(capacity: 3)
        for round in 0..<2 {
            for index in 0..<7 {
                let facts = self.facts(tenant: "school\(index)")
                #expect(
                    self.renderer.page(facts, english: false, cache: cache) == self.rendered(facts, english: false),
                    "\(round)"
                )
                #expect(cache.count <= 3)
            }
        }
    }

    @Test func theBytesKeptStayWithinTheBudgetAndAPageOverItIsNeverKept() {
        let pageSize = self.rendered(self.facts(requestID: nil), english: false).count
        let cache = BlockedPageCache(maxBytes: pageSize * 3 + pageSize / 2)
        for index in 0..<10 {
            let facts = self.facts(tenant: "school\(index)", requestID: nil)
            #expect(self.renderer.page(facts, english: false, cache: cache) == self.rendered(facts, english: false))
            #expect(cache.bytes <= cache.maxBytes)
            #expect(cache.count <= 3)
        }
        let tiny = BlockedPageCache(maxBytes: 100)
        let facts = self.facts(requestID: nil)
        for _ in 0..<3 {
            #expect(self.renderer.page(facts, english: false, cache: tiny) == self.rendered(facts, english: false))
        }
        #expect(tiny.count == 0 && tiny.bytes == 0)
        #expect(tiny.renders == 3)
    }

    @Test func aJSONAnswerIsKeptByWhatItSays() {
        let gate = Gate(profile: .alfaCRM, baseDomains: ["s20.online"])
        let cache = BlockedPageCache()
        func body(_ host: String, _ path: String, at now: Date, cache: BlockedPageCache?) -> [UInt8]? {
            let head = requestHead(.GET, path, host: host, headers: [("Accept", "application/json")])
            guard
                case .respond(_, _, let body, _, _) = gate.decide(
                    head: head,
                    snapshot: fixtureSnapshot(),
                    now: now,
                    requestID: "r1",
                    pageCache: cache
                )
            else { return nil }
            return body
        }
        let requests = [
            ("acme.s20.online", "/company/1/users"), ("acme.s20.online", "/company/2/users"),
            ("gamma.s20.online", "/company/1/users"), ("acme.s20.online", "/company/1/users"),
        ]
        for (host, path) in requests + requests {
            let cached = body(host, path, at: fixtureNow, cache: cache)
            #expect(cached != nil && cached == body(host, path, at: fixtureNow, cache: nil), "\(host)\(path)")
        }
        // acme on two branches (two Licensing links) and gamma: three answers kept.
        #expect(cache.jsonCount == 3)
        #expect(cache.renders == 0)
        let text = String(
            decoding: body("acme.s20.online", "/company/2/users", at: fixtureNow, cache: cache) ?? [],
            as: UTF8.self
        )
        #expect(text.contains("\"licensing_url\": \"/company/2/licensing\""))
    }

    @Test func theGateAnswersFromTheCacheWhenGivenOne() {
        let gate = Gate(profile: .alfaCRM, baseDomains: ["s20.online"])
        let snapshot = fixtureSnapshot()
        let head = requestHead(.GET, "/company/1/users", host: "acme.s20.online", headers: [("Accept", "text/html")])
        let cache = BlockedPageCache()
        for id in ["aaaa1111", "bbbb2222", "cccc3333"] {
            guard
                case .respond(_, _, let cached, _, _) = gate.decide(
                    head: head,
                    snapshot: snapshot,
                    now: fixtureNow,
                    requestID: id,
                    pageCache: cache
                ),
                case .respond(_, _, let rendered, _, _) = gate.decide(
                    head: head,
                    snapshot: snapshot,
                    now: fixtureNow,
                    requestID: id
                )
            else {
                Issue.record("not blocked")
                return
            }
            #expect(cached == rendered)
            #expect(String(decoding: cached, as: UTF8.self).contains(id))
        }
        #expect(cache.renders == 2)
    }
}
