import Foundation
import NIOHTTP1
import TestSupport
import Testing

@testable import Gate

@Suite struct BlockedResponseTests {
    let renderer = BlockedPageRenderer(templates: .builtIn)
    let until = utc("2027-08-01T00:00:00Z")
    let utcZone = TimeZone(identifier: "UTC") ?? .gmt

    func blocked(
        _ method: HTTPMethod = .GET,
        headers: [(String, String)] = [],
        reason: BlockReason = .tenantFrozen,
        until: Date? = utc("2027-08-01T00:00:00Z"),
        link: String? = "/company/1/licensing"
    ) -> BlockedResponse {
        BlockedResponse.blocked(
            request: requestHead(method, "/company/1", headers: headers),
            status: 403,
            facts: BlockedPageFacts(
                reason: reason,
                tenant: "acme",
                host: "acme.s20.online",
                audience: link == nil ? .teacher : .admin,
                until: until,
                licensingURL: link,
                timeZone: self.utcZone,
                now: utc("2027-07-15T12:00:00Z")
            ),
            renderer: self.renderer
        )
    }

    @Test func jsonBody() throws {
        let response = self.blocked(headers: [("Accept", "application/json")])
        #expect(response.status == .forbidden)
        #expect(response.headers["Content-Type"] == ["application/json; charset=utf-8"])
        #expect(response.headers["Cache-Control"] == ["no-store"])
        #expect(response.headers["Vary"] == ["Accept, Accept-Language, X-Requested-With"])
        #expect(response.headers["Content-Length"] == [String(response.body.count)])
        let text = String(decoding: response.body, as: UTF8.self)
        #expect(
            text
                == #"{"error": "tenant_frozen", "tenant": "acme", "until": "2027-08-01T00:00:00Z", "licensing_url": "/company/1/licensing"}"#
        )
        let object = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
        #expect(Set(object.keys) == ["error", "tenant", "until", "licensing_url"])
    }

    @Test func jsonNullsForExpiredNonAdmin() {
        let response = self.blocked(
            headers: [("X-Requested-With", "XMLHttpRequest")],
            reason: .licenseExpired,
            until: nil,
            link: nil
        )
        #expect(
            String(decoding: response.body, as: UTF8.self)
                == #"{"error": "license_expired", "tenant": "acme", "until": null, "licensing_url": null}"#
        )
    }

    @Test func russianHTMLByDefault() {
        let response = self.blocked()
        let text = String(decoding: response.body, as: UTF8.self)
        #expect(response.headers["Content-Type"] == ["text/html; charset=utf-8"])
        #expect(text.contains("<html lang=\"ru\">"))
        #expect(text.contains("Аккаунт заморожен"))
        #expect(text.contains("заморожен по\u{a0}31\u{a0}июля 2027\u{a0}г. включительно."))
        #expect(text.contains("href=\"/company/1/licensing\""))
        #expect(text.contains("Лицензирование"))
        #expect(response.headers["Content-Length"] == [String(response.body.count)])
    }

    @Test func englishHTMLOnRequest() {
        let text = String(decoding: self.blocked(headers: [("Accept-Language", "en-GB,en;q=0.9")]).body, as: UTF8.self)
        #expect(text.contains("<html lang=\"en\">"))
        #expect(text.contains("Account frozen"))
        #expect(text.contains("is frozen until 31\u{a0}July 2027 inclusive."))
        #expect(text.contains("Go to Licensing"))
    }

    @Test func expiredPageHasNoLinkForTeacher() {
        let text = String(decoding: self.blocked(reason: .licenseExpired, until: nil, link: nil).body, as: UTF8.self)
        #expect(text.contains("Лицензия закончилась"))
        #expect(!text.contains("заморожен"))
        #expect(!text.contains("href="))
        let english = String(
            decoding: self.blocked(headers: [("Accept-Language", "en")], reason: .licenseExpired, until: nil, link: nil)
                .body,
            as: UTF8.self
        )
        #expect(english.contains("Licence expired"))
    }

    @Test func headHasHeadersButNoBody() {
        let get = self.blocked(.GET)
        let head = self.blocked(.HEAD)
        #expect(head.body.isEmpty)
        #expect(head.status == get.status)
        #expect(head.headers == get.headers)
        #expect(head.headers["Content-Length"] == [String(get.body.count)])
    }

    @Test func customTemplate() {
        let renderer = BlockedPageRenderer(
            templates: BlockedPageTemplates(
                russian: "RU {{tenant}} {{until}} {{licensingURL}}",
                english: "EN {{tenant}}"
            )
        )
        let response = BlockedResponse.blocked(
            request: requestHead(.GET, "/company/1"),
            status: 402,
            facts: BlockedPageFacts(
                reason: .tenantFrozen,
                tenant: "acme",
                host: "acme.s20.online",
                audience: .admin,
                until: self.until,
                licensingURL: "/company/1/licensing",
                timeZone: self.utcZone,
                now: utc("2027-07-15T12:00:00Z")
            ),
            renderer: renderer
        )
        #expect(response.status.code == 402)
        #expect(
            String(decoding: response.body, as: UTF8.self) == "RU acme 1\u{a0}августа 2027\u{a0}г. /company/1/licensing"
        )
    }

    @Test(arguments: ["2027-08-01T00:00:00Z", "2028-02-29T09:30:00Z", "2027-12-31T23:59:59Z"])
    func iso8601RoundTrips(instant: String) {
        #expect(BlockedPageRenderer.iso8601(utc(instant)) == instant)
    }

    @Test func jsonEscaping() {
        #expect(BlockedResponse.jsonString("a\"b\\c\n<") == #""a\"b\\c\n\u003c""#)
        #expect(BlockedResponse.jsonString("\u{1}") == #""\u0001""#)
    }

    @Test func badRequest() {
        let response = BlockedResponse.badRequest(request: requestHead(.GET, "/"), detail: "no Host header")
        #expect(response.status == .badRequest)
        #expect(response.headers["Connection"] == ["close"])
        #expect(String(decoding: response.body, as: UTF8.self) == "Bad Request: no Host header\n")
        #expect(BlockedResponse.badRequest(request: requestHead(.HEAD, "/"), detail: "x").body.isEmpty)
    }
}
