import Testing

@testable import freezegate_demo_crm

@Suite("DemoTenant")
struct DemoTenantTests {
    @Test(arguments: [
        ("acme.s20.online", "acme"),
        ("ACME.s20.online:8080", "acme"),
        ("school.s20.online.", "school"),
        ("school.localhost:8080", "school"),
        ("localhost", "demo"),
        ("127.0.0.1:8081", "demo"),
        ("[::1]:8081", "demo"),
        ("", "demo"),
    ])
    func theTenantIsTheFirstLabelOfTheHost(host: String, tenant: String) {
        #expect(DemoTenant.key(fromHost: host) == tenant)
    }

    @Test func noHostMeansTheDemoTenant() {
        #expect(DemoTenant.key(fromHost: nil) == "demo")
    }

    @Test func aCustomDomainNamesItsTenant() {
        let domains = ["crm.acme-school.localhost": "acme"]
        #expect(DemoTenant.key(fromHost: "CRM.Acme-School.localhost.:8080", customDomains: domains) == "acme")
        #expect(DemoTenant.key(fromHost: "school.localhost", customDomains: domains) == "school")
        #expect(DemoTenant.key(fromHost: "crm.other.localhost", customDomains: domains) == "crm")
    }
}
