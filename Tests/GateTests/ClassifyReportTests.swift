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

    @Test func ambiguousClientIsRefusedWhenFrozen() {
        let text = self.render("GET", "/customer/a%2fb", host: "acme.s20.online")
        #expect(text.contains("if frozen:   reject 400 (ambiguous_target)"))
        #expect(text.contains("if active:   forward"))
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
        #expect(self.render("GET", "/company/1", host: "a@b").contains("decision:    reject 400 (unparsable Host)"))
    }
}
