import MailIntake
import Testing

/// The corpus: messages shaped as Gmail, Outlook, Thunderbird, Yandex Mail, Mail.ru and Apple Mail
/// write them, each with the reading the intake must make of it.
@Suite("Corpus readings")
struct CorpusReadingTests {
    struct Expected: Sendable, CustomTestStringConvertible {
        var file: String
        var identifiers: [String]
        var period: String?
        var problem: FreezeRequestReading.Problem?
        var language: RequestLanguage
        var authenticated = true
        var mayReply = true

        var testDescription: String { file }
    }

    static let expectations: [Expected] = [
        Expected(
            file: "gmail-multipart-ru",
            identifiers: ["acme.s20.online", "acme"],
            period: "2027-06-01..2027-06-30",
            language: .russian
        ),
        Expected(
            file: "outlook-html-only-en",
            identifiers: ["crm.acme-school.example"],
            period: "2027-06-01..2027-08-31",
            language: .english
        ),
        Expected(
            file: "thunderbird-koi8r",
            identifiers: ["acme"],
            period: "2027-06-01..2027-08-31",
            language: .russian
        ),
        Expected(
            file: "yandex-cp1251-qp",
            identifiers: ["acme"],
            period: "2027-07-01..2027-07-31",
            language: .russian
        ),
        Expected(
            file: "mailru-base64",
            identifiers: ["acme.s20.online", "acme"],
            period: "2027-06-01..2027-08-31",
            language: .russian
        ),
        Expected(
            file: "applemail-en",
            identifiers: ["acme.s20.online", "acme"],
            period: "2027-06-01..2027-06-30",
            language: .english
        ),
        Expected(
            file: "gmail-forwarded-rfc822",
            identifiers: ["acme"],
            period: "2027-06-01..2027-06-30",
            language: .russian
        ),
        // The quoted history names June 2027; the new text asks for July.
        Expected(
            file: "gmail-reply-quoted-history",
            identifiers: ["acme.s20.online", "acme", "freeze"],
            period: "2027-07-01..2027-07-30",
            language: .english
        ),
        Expected(
            file: "two-periods",
            identifiers: [],
            period: nil,
            problem: .severalPeriods,
            language: .russian
        ),
        Expected(file: "no-year", identifiers: ["acme"], period: nil, problem: .incompletePeriod, language: .russian),
        Expected(
            file: "forged-authentication-results",
            identifiers: ["acme.s20.online", "acme"],
            period: "2027-06-01..2027-06-30",
            language: .english,
            authenticated: false
        ),
        Expected(
            file: "not-the-owner",
            identifiers: ["acme.s20.online", "acme"],
            period: "2027-06-01..2027-06-30",
            language: .english
        ),
        Expected(
            file: "auto-submitted",
            identifiers: ["acme.s20.online", "acme"],
            period: "2027-06-01..2027-06-30",
            language: .english,
            mayReply: false
        ),
    ]

    @Test(arguments: expectations)
    func readsTheRequest(_ expected: Expected) throws {
        let request = try CorpusMessage.request(expected.file)
        #expect(request.reading.identifiers == expected.identifiers)
        #expect(request.reading.period?.description == expected.period)
        #expect(request.reading.problem == expected.problem)
        #expect(request.reading.language == expected.language)
        #expect(request.isAuthenticated == expected.authenticated)
        #expect(request.mayReply == expected.mayReply)
    }

    @Test func readsSendersSubjectsAndMessageIDs() throws {
        let koi8 = try CorpusMessage.request("thunderbird-koi8r")
        #expect(koi8.subject == "Заморозка")
        #expect(koi8.messageID == "<5f1e2d3c-thunderbird@acme-school.example>")
        #expect(koi8.from?.description == "director@acme-school.example")
        let outlook = try CorpusMessage.request("outlook-html-only-en")
        // The local part keeps its case; the domain is lower-cased.
        #expect(outlook.from?.description == "Director@Acme-School.example")
        #expect(outlook.recipient?.description == "support@freezegate.test")
        let reply = try CorpusMessage.request("gmail-reply-quoted-history")
        #expect(reply.references == ["<old-request@acme-school.example>", "<old-answer@freezegate.test>"])
    }

    @Test func theSameMessageWithoutMessageIDGetsTheSameIdentity() {
        let raw = Array("From: a@b.example\nSubject: x\n\nfreeze acme from 1 June to 30 June 2027\n".utf8)
        let first = IncomingRequest(raw: raw, authservID: "mx", baseDomains: [])
        let second = IncomingRequest(raw: raw, authservID: "mx", baseDomains: [])
        let other = IncomingRequest(raw: raw + [10], authservID: "mx", baseDomains: [])
        #expect(first.messageID == second.messageID)
        #expect(first.messageID != other.messageID)
        #expect(first.messageID.hasPrefix("<no-message-id."))
    }
}
