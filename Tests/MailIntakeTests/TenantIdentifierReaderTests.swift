import MailIntake
import Testing

@Suite("Reading the tenant identifier")
struct TenantIdentifierReaderTests {
    @Test func findsHostNamesAndKeysButNotMailDomains() {
        let found = TenantIdentifierReader.candidates(
            in: "Заморозьте school.s20.online и https://crm.school.ru/login. Пишите на director@mail.school.ru",
            baseDomains: ["s20.online"]
        )
        #expect(found == ["school.s20.online", "school", "crm.school.ru"])
    }

    @Test func findsLabelledKeys() {
        #expect(TenantIdentifierReader.candidates(in: "Идентификатор клиента: acme-2.", baseDomains: []) == ["acme-2"])
        #expect(TenantIdentifierReader.candidates(in: "Account ID: acme", baseDomains: []) == ["acme"])
        #expect(TenantIdentifierReader.candidates(in: "please freeze us", baseDomains: []).isEmpty)
    }

    @Test func dottedDatesAreNotHostNames() {
        #expect(TenantIdentifierReader.candidates(in: "01.06.2027–31.08.2027", baseDomains: []).isEmpty)
    }
}
