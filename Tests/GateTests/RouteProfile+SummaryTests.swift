import Testing

@testable import Gate

@Suite struct RouteProfileSummaryTests {
    @Test func builtInSummary() {
        let summary = RouteProfile.alfaCRM.summary
        #expect(summary.hasPrefix("OK: 7 classes (licensing, admin, teacher, client, api, webhook, public)"))
        #expect(summary.contains("blocked while frozen or expired: admin, teacher, unknown"))
        #expect(summary.contains("block status: 403"))
        #expect(summary.contains("when state unknown: forward"))
    }
}
