import MailIntake
import Testing

@Suite("Authentication-Results (RFC 8601)")
struct AuthenticationResultsTests {
    private let from = MailAddress(parsing: "Director <director@acme-school.example>")

    private func headers(_ fields: String...) -> MailHeaders {
        headers(fields)
    }

    private func headers(_ fields: [String]) -> MailHeaders {
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

    /// A forged field that slipped past the server's filter, beside the server's own verdict.
    @Test func theServersOwnDMARCVerdictIsNotOutvotedByAForgedPass() throws {
        let from = try #require(from)
        let server = "mx.operator.example"
        for (fields, verified) in [
            // Its own `fail`, in either order beside a forged `pass`: never verified.
            (["\(server); dmarc=pass", "\(server); dmarc=fail header.from=acme-school.example"], false),
            (["\(server); dmarc=fail header.from=acme-school.example", "\(server); dmarc=pass"], false),
            (["\(server); dkim=pass header.d=acme-school.example; dmarc=fail"], false),
            // Its own `none` (no DMARC record) beside a forged `pass`: the pass does not count...
            (["\(server); dmarc=pass", "\(server); dmarc=none"], false),
            // ... while its aligned DKIM pass does, as without DMARC at all.
            (["\(server); dkim=pass header.d=acme-school.example", "\(server); dmarc=none"], true),
            // Two fields of the server that agree (one milter for DKIM, one for DMARC).
            (["\(server); dkim=pass header.d=acme-school.example", "\(server); dmarc=pass"], true),
        ] {
            #expect(
                SenderAuthentication.isAuthenticated(headers(fields), authservID: server, from: from) == verified,
                "\(fields)"
            )
        }
    }

    /// `Authentication-Results : …` (white space before the colon, RFC 5322's obsolete syntax) may
    /// pass a filter that strips `Authentication-Results:`; it is read as text, never trusted.
    @Test func aFieldWithSpaceBeforeItsColonIsNotTrusted() throws {
        let from = try #require(from)
        for written in ["Authentication-Results :", "Authentication-Results\t:", "Authentication-Results:"] {
            let raw = Array(
                "\(written) mx.operator.example; dmarc=pass\nFrom: director@acme-school.example\n\nx\n".utf8
            )
            let headers = MessageParser.parse(raw).headers
            #expect(headers.first("Authentication-Results") == "mx.operator.example; dmarc=pass")
            #expect(
                SenderAuthentication.isAuthenticated(headers, authservID: "mx.operator.example", from: from)
                    == (written == "Authentication-Results:"),
                "\(written)"
            )
        }
    }
}
