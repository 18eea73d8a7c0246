import TestSupport
import Testing

@testable import Gate

@Suite struct ClassifyReportTests {
    func render(_ method: String, _ url: String, host: String? = nil) -> String {
        ClassifyReport.render(
            method: method,
            url: url,
            host: host,
            profile: .alfaCRM,
            baseDomains: ["s20.online"],
            at: utc("2027-08-01T09:00:00Z")
        )
    }

    @Test func ambiguousAdminDisguise() {
        let text = self.render("get", "http://acme.s20.online/customer/..;/company/7/users")
        #expect(text.contains("request:     GET /customer/..;/company/7/users"))
        #expect(text.contains("tenant:      acme"))
        #expect(text.contains("canonical:   /customer/..;/company/7/users"))
        #expect(text.contains("ambiguous:   parameters"))
        #expect(text.contains("  /company/7/users  → admin"))
        #expect(text.contains("class:       client"))
        #expect(text.contains("if active:   forward"))
        #expect(
            text.contains(
                #"if frozen:   block 403 (tenant_frozen) {"error": "tenant_frozen", "tenant": "acme", "until": "2027-08-31T09:00:00Z", "licensing_url": "/company/7/licensing"}"#
            )
        )
        #expect(text.contains("if expired:  block 403 (license_expired)"))
        #expect(text.contains("no snapshot: forward"))
    }

    @Test func ambiguousClientIsForwardedWhenFrozen() {
        let text = self.render("GET", "/customer/a%2fb", host: "acme.s20.online")
        #expect(text.contains("if frozen:   forward"))
        #expect(text.contains("if active:   forward"))
    }

    @Test func aTargetWithTooManyReadingsIsRefusedWhenFrozen() {
        let text = self.render("GET", "/customer/a%252f;b\\c%2fｘ\u{200B}%ff%00%3f%u0041/x%20", host: "acme.s20.online")
        #expect(text.contains("if frozen:   reject 400 (ambiguous_target)"))
    }

    @Test func customDomainAndNonTenants() {
        #expect(
            self.render("GET", "/company/1", host: "crm.school.edu").contains(
                "as if it were a registered custom domain"
            )
        )
        let base = self.render("GET", "/company/1", host: "s20.online")
        #expect(base.contains("tenant:      none (forwarded untouched)"))
        #expect(base.contains("decision:    forward"))
        #expect(
            self.render("GET", "/company/1", host: "a@b").contains(
                "decision:    reject 400 (invalid_host: unparsable Host)"
            )
        )
    }

    @Test func pagePreview() {
        func page(_ url: String, _ state: String, _ headers: [(String, String)] = []) -> String? {
            ClassifyReport.page(
                method: "GET",
                url: url,
                host: nil,
                headers: headers,
                profile: .alfaCRM,
                baseDomains: ["s20.online"],
                at: utc("2027-07-02T00:00:00Z"),
                state: state
            )
        }
        let russian = page("http://acme.s20.online/company/4/users", "frozen")
        // The preview's freeze ends at 2027-08-01T00:00:00Z: 03:00 in the default zone, Moscow.
        #expect(russian?.contains("заморожен до\u{a0}1\u{a0}августа 2027\u{a0}г., 03:00.") == true)
        #expect(russian?.contains("href=\"/company/4/licensing\"") == true)
        let english = page("http://acme.s20.online/teacher", "expired", [("Accept-Language", "en")])
        #expect(english?.contains("Licence expired") == true)
        #expect(english?.contains("href=") == false)
        let json = page("http://acme.s20.online/teacher", "expired", [("Accept", "application/json")])
        #expect(json == #"{"error": "license_expired", "tenant": "acme", "until": null, "licensing_url": null}"#)
        #expect(page("http://acme.s20.online/customer", "frozen") == nil)
        #expect(page("http://acme.s20.online/company/1", "active") == nil)
        #expect(page("http://s20.online/company/1", "frozen") == nil)
    }
}
