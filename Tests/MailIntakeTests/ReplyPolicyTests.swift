import MailIntake
import Testing

@Suite("RFC 3834: whom not to answer")
struct ReplyPolicyTests {
    private func mayReply(_ fields: [(String, String)], from: String = "director@acme.example") throws -> Bool {
        let headers = MailHeaders(fields: fields.map { MailHeaders.Field(name: $0.0, value: $0.1) })
        return ReplyPolicy.mayReply(to: headers, from: try #require(MailAddress(parsing: from)))
    }

    @Test func answersAPersonsMessage() throws {
        #expect(try mayReply([("Subject", "freeze"), ("Auto-Submitted", "no")]))
    }

    @Test func neverAnswersAutomaticListOrBounceMail() throws {
        #expect(try !mayReply([("Auto-Submitted", "auto-replied")]))
        #expect(try !mayReply([("Auto-Submitted", "auto-generated; owner-email=x@y")]))
        #expect(try !mayReply([("Precedence", "bulk")]))
        #expect(try !mayReply([("List-Id", "<staff.acme.example>")]))
        #expect(try !mayReply([("Return-Path", "<>")]))
        #expect(try !mayReply([("Content-Type", "multipart/report; report-type=delivery-status")]))
        #expect(try !mayReply([], from: "MAILER-DAEMON@acme.example"))
        #expect(try !mayReply([], from: "noreply@acme.example"))
    }
}
