import Foundation
import TestSupport
import Testing

@testable import Gate

@Suite struct PageDateTextTests {
    static func zone(_ identifier: String) -> TimeZone {
        guard let zone = TimeZone(identifier: identifier) else { preconditionFailure("no zone \(identifier)") }
        return zone
    }

    let moscow = zone("Europe/Moscow")
    let berlin = zone("Europe/Berlin")
    let newYork = zone("America/New_York")
    let nbsp = "\u{a0}"

    @Test func endAtLocalMidnightNamesTheDayBeforeInclusive() {
        // 2027-09-01 00:00 in Moscow (UTC+3) is 2027-08-31T21:00Z.
        let end = utc("2027-08-31T21:00:00Z")
        #expect(
            PageDateText.until(end, in: self.moscow, english: false)
                == "по\(nbsp)31\(nbsp)августа 2027\(nbsp)г. включительно"
        )
        #expect(PageDateText.until(end, in: self.moscow, english: true) == "until 31\u{a0}August 2027 inclusive")
    }

    @Test func endJustAfterLocalMidnightKeepsItsOwnDayAndTime() {
        let end = utc("2027-08-31T21:00:01Z")
        #expect(
            PageDateText.until(end, in: self.moscow, english: false) == "до\(nbsp)1\(nbsp)сентября 2027\(nbsp)г., 00:00"
        )
        #expect(PageDateText.until(end, in: self.moscow, english: true) == "until 00:00 on 1\u{a0}September 2027")
    }

    @Test func endJustBeforeLocalMidnightIsThatDaysTime() {
        let end = utc("2027-08-31T20:59:00Z")
        #expect(
            PageDateText.until(end, in: self.moscow, english: false) == "до\(nbsp)31\(nbsp)августа 2027\(nbsp)г., 23:59"
        )
        #expect(PageDateText.until(end, in: self.moscow, english: true) == "until 23:59 on 31\u{a0}August 2027")
    }

    @Test func utcMidnightIsNotMoscowMidnight() {
        // What a freeze entered as 2027-09-01T00:00:00Z means to a school on Moscow time.
        let end = utc("2027-09-01T00:00:00Z")
        #expect(
            PageDateText.until(end, in: self.moscow, english: false) == "до\(nbsp)1\(nbsp)сентября 2027\(nbsp)г., 03:00"
        )
        #expect(PageDateText.until(end, in: TimeZone.gmt, english: true) == "until 31\u{a0}August 2027 inclusive")
    }

    @Test func lastDayAcrossTheAutumnClockChange() {
        // Berlin leaves summer time on 2027-10-31 at 03:00 CEST (01:00Z). Midnight of 31\u{a0}October
        // is still CEST (22:00Z on the 30th); midnight of 1\u{a0}November is CET (23:00Z on the 31st).
        let endOctober31 = utc("2027-10-30T22:00:00Z")
        let endNovember1 = utc("2027-10-31T23:00:00Z")
        #expect(
            PageDateText.until(endOctober31, in: self.berlin, english: true) == "until 30\u{a0}October 2027 inclusive"
        )
        #expect(
            PageDateText.until(endNovember1, in: self.berlin, english: true) == "until 31\u{a0}October 2027 inclusive"
        )
        // A fixed-offset reading would be an hour off and name 1\u{a0}November at 00:00 instead.
        #expect(
            PageDateText.until(utc("2027-10-31T22:00:00Z"), in: self.berlin, english: true)
                == "until 23:00 on 31\u{a0}October 2027"
        )
        #expect(
            PageDateText.zoneNote(self.berlin, at: endOctober31, english: true)
                == "Dates are in the Europe/Berlin time zone (UTC+2)."
        )
        #expect(
            PageDateText.zoneNote(self.berlin, at: endNovember1, english: true)
                == "Dates are in the Europe/Berlin time zone (UTC+1)."
        )
    }

    @Test func lastDayAcrossTheSpringClockChange() {
        // New York moves to summer time on 2028-03-12 at 02:00 EST (07:00Z).
        let endMarch13 = utc("2028-03-13T04:00:00Z")  // 00:00 EDT
        #expect(
            PageDateText.until(endMarch13, in: self.newYork, english: false)
                == "по\(nbsp)12\(nbsp)марта 2028\(nbsp)г. включительно"
        )
        #expect(
            PageDateText.zoneNote(self.newYork, at: endMarch13, english: false)
                == "Даты указаны по часовому поясу America/New_York (UTC\u{2212}4)."
        )
        let endMarch12 = utc("2028-03-12T05:00:00Z")  // 00:00 EST
        #expect(
            PageDateText.until(endMarch12, in: self.newYork, english: false)
                == "по\(nbsp)11\(nbsp)марта 2028\(nbsp)г. включительно"
        )
    }

    @Test func moment() {
        #expect(
            PageDateText.moment(utc("2027-06-30T21:00:00Z"), in: self.moscow, english: false)
                == "1\(nbsp)июля 2027\(nbsp)г."
        )
        #expect(
            PageDateText.moment(utc("2027-07-01T00:00:00Z"), in: self.moscow, english: true)
                == "1\u{a0}July 2027, 03:00"
        )
    }

    @Test func zoneNames() {
        #expect(PageDateText.zoneName(self.moscow, at: utc("2027-01-01T00:00:00Z")) == "Europe/Moscow, UTC+3")
        #expect(
            PageDateText.zoneName(Self.zone("Asia/Kolkata"), at: utc("2027-01-01T00:00:00Z"))
                == "Asia/Kolkata, UTC+5:30"
        )
        #expect(PageDateText.zoneName(Self.zone("UTC"), at: utc("2027-01-01T00:00:00Z")) == "UTC")
        #expect(
            PageDateText.zoneNote(Self.zone("UTC"), at: utc("2027-01-01T00:00:00Z"), english: true)
                == "Dates are in UTC."
        )
        #expect(PageDateText.utcOffset(-3 * 3600 - 1800) == "UTC\u{2212}3:30")
    }

    @Test(arguments: 1...12)
    func everyMonthHasBothNames(month: Int) {
        let instant = utc(String(format: "2027-%02d-15T12:00:00Z", month))
        let russian = PageDateText.day(instant, in: TimeZone.gmt, english: false)
        let english = PageDateText.day(instant, in: TimeZone.gmt, english: true)
        #expect(russian == "15\(nbsp)\(PageDateText.russianMonths[month - 1]) 2027\(nbsp)г.")
        #expect(english == "15\(nbsp)\(PageDateText.englishMonths[month - 1]) 2027")
    }
}
