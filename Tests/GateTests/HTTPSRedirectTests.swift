import NIOHTTP1
import Testing

@testable import Gate

/// The profile's `https_redirect`: plain requests of the named classes get 308 to the same host
/// and target over HTTPS; requests over TLS and other classes are decided as always.
@Suite struct HTTPSRedirectTests {
    static let profileText = """
        https_redirect: [admin, teacher, client, licensing, public]
        """

    let gate: Gate

    init() throws {
        let profile = try RouteProfile(yaml: Self.profileText, source: "test.yaml") { _ in "" }
        self.gate = Gate(profile: profile, baseDomains: ["s20.online"])
    }

    @Test(arguments: [
        ("/company/1/users?tab=2", "https://acme.s20.online/company/1/users?tab=2"),
        ("/customer/1/files/отчёт.pdf", "https://acme.s20.online/customer/1/files/отчёт.pdf"),
        ("/", "https://acme.s20.online/"),
    ])
    func plainRequestsOfNamedClassesAreRedirected(target: String, location: String) {
        let decision = self.gate.decide(
            head: requestHead(.GET, target, host: "ACME.s20.online:8080"),
            snapshot: fixtureSnapshot(),
            now: fixtureNow
        )
        guard case .respond(let status, let headers, let body, _, let summary) = decision else {
            Issue.record("\(target) was not answered")
            return
        }
        #expect(status == .permanentRedirect)
        #expect(headers["Location"] == [location])
        #expect(body.isEmpty)
        #expect(summary.decision == "redirect")
    }

    @Test func integrationsAndTLSRequestsAreNotRedirected() {
        for target in ["/v2api/1/customer/index", "/api/1/payment"] {
            let decision = self.gate.decide(
                head: requestHead(.POST, target),
                snapshot: fixtureSnapshot(),
                now: fixtureNow
            )
            #expect(decision.isForward, "\(target)")
        }
        // Over TLS the frozen tenant's admin page is blocked as always.
        let overTLS = self.gate.decide(
            head: requestHead(.GET, "/company/1/users"),
            snapshot: fixtureSnapshot(),
            now: fixtureNow,
            isTLS: true
        )
        #expect(overTLS.summary.decision == "block")
    }

    @Test func withoutTheKeyNothingIsRedirected() {
        let decision = defaultGate.decide(
            head: requestHead(.GET, "/customer/1"),
            snapshot: fixtureSnapshot(),
            now: fixtureNow
        )
        #expect(decision.isForward)
    }

    @Test func anUnknownClassNameIsAnErrorWithItsLine() {
        #expect {
            _ = try RouteProfile(yaml: "block_status: 403\nhttps_redirect: [admin, nosuch]\n", source: "p.yaml") { _ in
                ""
            }
        } throws: { error in
            "\(error)".contains("p.yaml:2") && "\(error)".contains("https_redirect names no class 'nosuch'")
        }
    }
}
