import Foundation
import MailIntake
import Testing

@Suite("Replies")
struct ReplyComposerTests {
    private let composer = ReplyComposer(
        replyFrom: "FreezeGate <support@freezegate.test>",
        messageIDDomain: "freezegate.test"
    )

    private func decodedBody(_ reply: String) -> String {
        let parts = reply.components(separatedBy: "\n\n")
        let body = parts.dropFirst().joined(separator: "\n\n")
        return String(decoding: Base64Body.decode(Array(body.utf8)), as: UTF8.self)
    }

    private func header(_ name: String, _ reply: String) -> String? {
        let head = reply.components(separatedBy: "\n\n").first ?? ""
        return MessageParser.parse(Array((head + "\n\n").utf8)).headers.first(name)
    }

    @Test func acceptedReplyIsThreadedAutoSubmittedAndInTheRequestsLanguage() throws {
        let request = try CorpusMessage.request("gmail-multipart-ru")
        let freeze = AcceptedFreeze(
            freezeID: 7,
            firstDay: try #require(CalendarDay(year: 2027, month: 6, day: 1)),
            lastDay: try #require(CalendarDay(year: 2027, month: 6, day: 30)),
            paidDaysKept: 30,
            paidUntil: try #require(CalendarDay(year: 2027, month: 10, day: 1)),
            timeZone: "Europe/Moscow"
        )
        let reply = composer.compose(
            replyingTo: request,
            to: try #require(request.from),
            outcome: .accepted(freeze),
            tenant: "acme",
            date: Date(timeIntervalSince1970: 1_796_000_000),
            uniqueID: "r1"
        )
        #expect(header("To", reply) == "director@acme-school.example")
        #expect(header("In-Reply-To", reply) == "<CAFx8k2+gmail1@mail.gmail.com>")
        #expect(header("References", reply) == "<CAFx8k2+gmail1@mail.gmail.com>")
        #expect(header("Auto-Submitted", reply) == "auto-replied")
        #expect(header("Message-ID", reply) == "<r1@freezegate.test>")
        #expect(header("Subject", reply).map(EncodedWords.decode) == "Re: Заморозка аккаунта на июнь")
        let body = decodedBody(reply)
        #expect(body.contains("с 1 июня 2027 по 30 июня 2027 включительно, по времени Europe/Moscow."))
        #expect(body.contains("Сохранено оплаченных дней: 30"))
        #expect(body.contains("по 30 сентября 2027 включительно"))
    }

    @Test func refusalNamesTheRuleAndTheNearestAcceptableRequest() throws {
        let request = try CorpusMessage.request("applemail-en")
        let reply = composer.compose(
            replyingTo: request,
            to: try #require(request.from),
            outcome: .refused(
                sqlState: "FG002",
                hint: "The earliest end for this start is 2027-07-01 00:00:00Z: freezegate tenant freeze acme ..."
            ),
            tenant: "acme",
            date: Date(),
            uniqueID: "r2"
        )
        let body = decodedBody(reply)
        #expect(body.contains("cannot be accepted: a freeze lasts at least 30 days"))
        #expect(body.contains("The earliest last day for this start is 30 June 2027."))
    }

    @Test func nearestStartIsTheNextWholeDay() {
        let text = ReplyText(language: .english)
        #expect(
            text.nearest(state: "FG007", hint: "Choose a start at or after 2026-12-03 10:15:00Z: …", period: nil)
                == "The earliest possible start is 4 December 2026."
        )
        #expect(
            text.nearest(
                state: "FG003",
                hint: "At most 57 days more can be frozen in 2027; the freezes: …",
                period: nil
            )
                == "At most 57 more days can be frozen in 2027."
        )
    }

    /// The hint's instants are UTC; the days proposed are the tenant's. 22:00Z on 3 December is 01:00
    /// on 4 December in Moscow, so the next whole Moscow day is the 5th (in UTC it would be the 4th);
    /// 21:00Z is Moscow's midnight, itself a whole day's start.
    @Test func nearestDaysAreTheTenantsDays() throws {
        let moscow = try #require(TimeZone(identifier: "Europe/Moscow"))
        let hint = "Choose a start at or after 2026-12-03 22:00:00Z: …"
        #expect(
            ReplyText(language: .english, timeZone: moscow).nearest(state: "FG007", hint: hint, period: nil)
                == "The earliest possible start is 5 December 2026."
        )
        #expect(
            ReplyText(language: .english).nearest(state: "FG007", hint: hint, period: nil)
                == "The earliest possible start is 4 December 2026."
        )
        #expect(
            ReplyText(language: .russian, timeZone: moscow).nearest(
                state: "FG002",
                hint: "The earliest end for this start is 2027-06-30 21:00:00Z: …",
                period: nil
            ) == "Самый ранний последний день для этого начала — 30 июня 2027."
        )
    }

    @Test func yearlyCapRefusalProposesTheSameStartShortened() throws {
        let period = RequestedPeriod(
            firstDay: try #require(CalendarDay(year: 2027, month: 6, day: 1)),
            lastDay: try #require(CalendarDay(year: 2027, month: 8, day: 31))
        )
        let hint = "At most 57 days more can be frozen in 2027; the freezes: freezegate tenant status acme"
        #expect(
            ReplyText(language: .russian).nearest(state: "FG003", hint: hint, period: period)
                == "В 2027 году можно заморозить ещё не больше 57 дней. Например: с 1 июня 2027 по 27 июля 2027."
        )
        // Fewer than 30 days left: no freeze is possible, so no example.
        #expect(
            ReplyText(language: .english).nearest(
                state: "FG003",
                hint: "At most 21 days more can be frozen in 2027;",
                period: period
            ) == "At most 21 more days can be frozen in 2027."
        )
    }

    @Test func aRefusalWithoutATenantNamesNone() {
        let body = ReplyText(language: .russian).body(
            for: .refused(sqlState: "FG010", hint: nil),
            tenant: nil,
            period: nil
        )
        #expect(body.contains("Заявку на заморозку принять нельзя: аккаунта с таким идентификатором нет."))
    }

    @Test func nonASCIISubjectsAreEncodedWords() {
        let encoded = ReplyComposer.encodedHeader("Re: Заморозка аккаунта на июнь и июль 2027 года, пожалуйста")
        #expect(encoded.hasPrefix("=?UTF-8?B?"))
        #expect(
            EncodedWords.decode(encoded.replacingOccurrences(of: "\n ", with: " "))
                == "Re: Заморозка аккаунта на июнь и июль 2027 года, пожалуйста"
        )
        #expect(ReplyComposer.encodedHeader("Re: freeze") == "Re: freeze")
    }
}
