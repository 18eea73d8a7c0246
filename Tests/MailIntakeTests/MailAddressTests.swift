import MailIntake
import Testing

@Suite("Addresses and identities copied into replies")
struct MailAddressTests {
    @Test(arguments: [
        ("Ирина Петрова <Director@Acme-School.example>", "Director@Acme-School.example"),
        ("\"Petrov, Ivan\" <ivan@school.example>", "ivan@school.example"),
        ("ivan@school.example (Ivan Petrov)", "ivan@school.example"),
        ("  ivan@school.example  ", "ivan@school.example"),
    ])
    func readsTheAddress(_ field: String, _ expected: String) {
        #expect(MailAddress(parsing: field)?.description == expected)
    }

    /// Recorded and answered as written; compared and aligned with the domain in lower case.
    @Test func theDomainIsKeptAsWrittenAndComparedInAnyCase() throws {
        let written = try #require(MailAddress(parsing: "Boss <BOSS@Other.Example>"))
        #expect(written.description == "BOSS@Other.Example")
        #expect(written.domain == "other.example")
        #expect(written == MailAddress(parsing: "boss <BOSS@other.example>"))
        #expect(written != MailAddress(parsing: "boss@other.example"))
    }

    @Test(arguments: [
        "no address", "a@localhost", "<a\rBcc: x@evil.example@b.example>", "a b@c.example", "a@b c.example", "<>",
    ])
    func refusesWhatIsNoAddress(_ field: String) {
        #expect(MailAddress(parsing: field) == nil)
    }

    @Test func aMessageIDWithControlCharactersIsNotCopied() {
        let raw = Array(
            "From: a@b.example\nMessage-ID: <x\r\u{0B}y@z>\nReferences: <ok@z> <bad\u{7F}@z>\n\nbody\n".utf8
        )
        let request = IncomingRequest(raw: raw, authservID: "mx", baseDomains: [])
        #expect(request.messageID.hasPrefix("<no-message-id."))
        #expect(request.references == ["<ok@z>"])
    }

    @Test func repliesComeFromTheAddressTheMailServerDeliveredTo() {
        let raw = Array(
            "Delivered-To: freeze@support.example\nTo: Boss <boss@school.example>, support@x.example\nFrom: a@b.example\n\n"
                .utf8
        )
        #expect(
            IncomingRequest(raw: raw, authservID: "mx", baseDomains: []).recipient?.description
                == "freeze@support.example"
        )
    }
}
