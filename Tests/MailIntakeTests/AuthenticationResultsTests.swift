import MailIntake
import Testing

@Suite("Authentication-Results (RFC 8601)")
struct AuthenticationResultsTests {
    private let from = MailAddress(parsing: "Director <director@acme-school.example>")

    private func headers(_ fields: String...) -> MailHeaders {
        MailHeaders(fields: fields.map { MailHeaders.Field(name: "Authentication-Results", value: $0) })
    }

    @Test func parsesServerResultsAndProperties() throws {
        let parsed = try #require(
            AuthenticationResults(
                parsing:
                    "mx.example.org 1; dkim=pass (good signature) header.d=example.com header.s=\"sel; x\"; dmarc=fail (p=none) header.from=example.com"
            )
        )
        #expect(parsed.authservID == "mx.example.org")
        #expect(parsed.results.map(\.method) == ["dkim", "dmarc"])
        #expect(parsed.results[0].properties["header.d"] == "example.com")
        #expect(parsed.results[0].properties["header.s"] == "sel; x")
        #expect(parsed.results[1].result == "fail")
    }

    @Test func dmarcPassFromTheConfiguredServerAuthenticates() throws {
        let from = try #require(from)
        #expect(
            SenderAuthentication.isAuthenticated(
                headers("MX.Operator.example; dmarc=pass header.from=acme-school.example"),
                authservID: "mx.operator.example",
                from: from
            )
        )
        // dmarc=pass for another From domain does not count.
        #expect(
            !SenderAuthentication.isAuthenticated(
                headers("mx.operator.example; dmarc=pass header.from=other.example"),
                authservID: "mx.operator.example",
                from: from
            )
        )
    }

    @Test func resultsWrittenByAnyOtherServerAreIgnored() throws {
        let from = try #require(from)
        #expect(
            !SenderAuthentication.isAuthenticated(
                headers(
                    "mail.acme-school.example; dmarc=pass; dkim=pass header.d=acme-school.example",
                    "mx.operator.example.evil.example; dmarc=pass",
                    "mx.operator.example; dmarc=fail; dkim=fail header.d=acme-school.example"
                ),
                authservID: "mx.operator.example",
                from: from
            )
        )
    }

    @Test func dkimPassCountsOnlyWhenAlignedWithFrom() throws {
        let from = try #require(from)
        let aligned = ["acme-school.example", "mail.acme-school.example"]
        for domain in aligned {
            #expect(
                SenderAuthentication.isAuthenticated(
                    headers("mx.operator.example; dkim=pass header.d=\(domain)"),
                    authservID: "mx.operator.example",
                    from: from
                )
            )
        }
        for domain in ["mailchimp.example", "example", "school.example"] {
            #expect(
                !SenderAuthentication.isAuthenticated(
                    headers("mx.operator.example; dkim=pass header.d=\(domain)"),
                    authservID: "mx.operator.example",
                    from: from
                )
            )
        }
    }
}
