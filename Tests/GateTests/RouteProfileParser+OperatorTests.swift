import Foundation
import Testing

@testable import Gate

@Suite struct RouteProfileParserOperatorTests {
    func parse(_ yaml: String) throws(RouteProfileError) -> RouteProfile {
        try RouteProfile(yaml: yaml, source: "test.yaml") { _ in throw CocoaError(.fileNoSuchFile) }
    }

    func failure(_ yaml: String) -> String? {
        do {
            _ = try self.parse(yaml)
            return nil
        } catch {
            return error.message
        }
    }

    @Test func operatorAndTimeZone() throws {
        let profile = try self.parse(
            """
            time_zone: Asia/Yekaterinburg
            operator:
              name: "Школьная CRM"
              support_email: help@crm.example
              support_phone: "+7 (800) 555-35-35"
              support_url: https://crm.example/support
              logo_url: https://crm.example/logo.svg
            """
        )
        #expect(profile.timeZone.identifier == "Asia/Yekaterinburg")
        #expect(
            profile.operatorBranding
                == OperatorBranding(
                    name: "Школьная CRM",
                    supportEmail: "help@crm.example",
                    supportPhone: "+7 (800) 555-35-35",
                    supportURL: "https://crm.example/support",
                    logoURL: "https://crm.example/logo.svg"
                )
        )
        #expect(profile.operatorBranding.supportPhoneURI == "tel:+78005553535")
        #expect(profile.summary.contains("blocked page time zone: Asia/Yekaterinburg"))
        #expect(profile.summary.contains("operator: Школьная CRM"))
    }

    @Test func defaults() throws {
        let profile = try self.parse("block_status: 403")
        #expect(profile.timeZone.identifier == "Europe/Moscow")
        #expect(profile.operatorBranding == OperatorBranding())
        #expect(!profile.summary.contains("time zone"))
    }

    @Test(arguments: [
        (
            "time_zone: Mars/Olympus_Mons",
            "time_zone 'Mars/Olympus_Mons' is not a known IANA time zone (e.g. Europe/Moscow, UTC)"
        ),
        (
            "time_zone: europe/moscow",
            "time_zone 'europe/moscow' is not a known IANA time zone (e.g. Europe/Moscow, UTC)"
        ),
        ("time_zone: [UTC]", "time_zone must be a string"),
        (
            "operator: {logo_url: \"javascript:alert(1)\"}",
            "operator logo_url 'javascript:alert(1)' must be an http:// or https:// URL"
        ),
        (
            "operator: {support_url: \"data:text/html,x\"}",
            "operator support_url 'data:text/html,x' must be an http:// or https:// URL"
        ),
        ("operator: {support_url: \"https://\"}", "operator support_url 'https://' must be an http:// or https:// URL"),
        (
            "operator: {support_url: \"https://x.example/a b\"}",
            "operator support_url 'https://x.example/a b' must be an http:// or https:// URL"
        ),
        (
            "operator: {support_email: not-an-address}",
            "operator support_email 'not-an-address' is not an e-mail address"
        ),
        (
            "operator: {support_phone: \"call us\"}",
            "operator support_phone 'call us' may hold only digits, spaces and + - ( ) ."
        ),
        ("operator: {name: \"\"}", "operator name must be a non-empty line of at most 200 characters"),
        (
            "operator: {mascot: cat}",
            "unknown operator key 'mascot' (expected one of logo_url, name, support_email, support_phone, support_url)"
        ),
    ])
    func invalid(yaml: String, message: String) {
        #expect(self.failure(yaml) == message)
    }

    @Test(arguments: ["http://x.example", "https://x.example/logo.svg?v=2#a", "HTTPS://X.EXAMPLE/"])
    func acceptedURLs(url: String) {
        #expect(OperatorURL.isAcceptable(url))
    }

    @Test(arguments: [
        "//x.example", "ftp://x.example", "https://x.example/\"", "https://x.example/<", "https://@x", "https:///path",
    ])
    func refusedURLs(url: String) {
        #expect(!OperatorURL.isAcceptable(url))
    }
}
