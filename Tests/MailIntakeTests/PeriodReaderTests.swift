import MailIntake
import Testing

@Suite("Reading the period")
struct PeriodReaderTests {
    private func read(_ text: String) -> String? {
        if case .period(let period) = PeriodReader.read(text) { return period.description }
        return nil
    }

    @Test(arguments: [
        ("с 1 июня по 31 августа 2027", "2027-06-01..2027-08-31"),
        ("С 1 июня 2027 г. по 31 августа 2027 г.", "2027-06-01..2027-08-31"),
        ("01.06.2027–31.08.2027", "2027-06-01..2027-08-31"),
        ("с 01.06.2027 по 31.08.2027 включительно", "2027-06-01..2027-08-31"),
        ("from 1 June to 31 August 2027", "2027-06-01..2027-08-31"),
        ("from June 1 to August 31, 2027", "2027-06-01..2027-08-31"),
        ("2027-06-01 — 2027-08-31", "2027-06-01..2027-08-31"),
        ("from 1st of June until 30th of June 2027", "2027-06-01..2027-06-30"),
        // Across New Year: the start's year is the one before.
        ("с 15 декабря по 20 января 2028", "2027-12-15..2028-01-20"),
        ("с 15 декабря 2027 по 20 января", "2027-12-15..2028-01-20"),
        // Within one month, the month written once.
        ("с 1 по 30 июня 2027 года", "2027-06-01..2027-06-30"),
        ("1–30 June 2027", "2027-06-01..2027-06-30"),
    ])
    func readsThePeriodsPeopleWrite(_ text: String, _ expected: String) {
        #expect(read(text) == expected)
    }

    @Test func theSamePeriodTwiceIsOnePeriod() {
        #expect(read("Заморозка 01.06.2027–30.06.2027\nс 1 июня по 30 июня 2027") == "2027-06-01..2027-06-30")
    }

    @Test func neverGuesses() {
        #expect(PeriodReader.read("с 1 июня по 30 июня 2027 или с 1 июля по 31 июля 2027") != .none)
        if case .several(let periods) = PeriodReader.read("с 1 июня по 30 июня 2027 или с 1 июля по 31 июля 2027") {
            #expect(periods.count == 2)
        } else {
            Issue.record("two periods must be reported as several")
        }
        #expect(PeriodReader.read("с 1 июня по 30 июня") == .incomplete)
        #expect(PeriodReader.read("с 31 июня по 30 июля 2027") == .incomplete)
        #expect(PeriodReader.read("from 30 August 2027 to 1 June 2027") == .incomplete)
        #expect(PeriodReader.read("freeze us on 1 June 2027, please") == .none)
        #expect(PeriodReader.read("01/06/2027 - 31/08/2027") == .none)
    }

    @Test func calendarDaysCountAcrossMonthsAndLeapYears() throws {
        let day = try #require(CalendarDay(year: 2028, month: 2, day: 28))
        #expect(day.adding(days: 1).description == "2028-02-29")
        #expect(day.adding(days: 2).description == "2028-03-01")
        #expect(CalendarDay(year: 2027, month: 2, day: 29) == nil)
        let period = RequestedPeriod(
            firstDay: try #require(CalendarDay(year: 2027, month: 6, day: 1)),
            lastDay: try #require(CalendarDay(year: 2027, month: 8, day: 31))
        )
        #expect(period.firstDay.description == "2027-06-01")
        #expect(period.lastDay.description == "2027-08-31")
    }
}
