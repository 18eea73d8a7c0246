import Foundation
import TenantModel
import Testing

@Suite("DayCount")
struct DayCountTests {
    private let now = Date(timeIntervalSince1970: 1_798_761_600)  // 2027-01-01T00:00:00Z

    @Test func wholeDaysAreExact() {
        #expect(DayCount.days(from: now, to: now.addingTimeInterval(151 * 86400)) == 151)
        #expect(DayCount.inDays(from: now, to: now.addingTimeInterval(30 * 86400)) == "in 30 days")
    }

    @Test func aPartOfADayCountsAsADay() {
        #expect(DayCount.days(from: now, to: now.addingTimeInterval(3600)) == 1)
        #expect(DayCount.days(from: now, to: now.addingTimeInterval(30 * 86400 + 1)) == 31)
        #expect(DayCount.inDays(from: now, to: now.addingTimeInterval(30 * 86400 + 1)) == "in 31 days")
        #expect(DayCount.inDays(from: now, to: now.addingTimeInterval(86400)) == "in 1 day")
    }

    /// A freeze that starts in two seconds does not "start in 1 day".
    @Test func underADayIsCountedInHoursMinutesOrSeconds() {
        #expect(DayCount.inDays(from: now, to: now.addingTimeInterval(86399)) == "in 24 hours")
        #expect(DayCount.inDays(from: now, to: now.addingTimeInterval(5 * 3600)) == "in 5 hours")
        #expect(DayCount.inDays(from: now, to: now.addingTimeInterval(3601)) == "in 2 hours")
        #expect(DayCount.inDays(from: now, to: now.addingTimeInterval(3600)) == "in 1 hour")
        #expect(DayCount.inDays(from: now, to: now.addingTimeInterval(61)) == "in 2 minutes")
        #expect(DayCount.inDays(from: now, to: now.addingTimeInterval(60)) == "in 1 minute")
        #expect(DayCount.inDays(from: now, to: now.addingTimeInterval(2)) == "in 2 seconds")
        #expect(DayCount.inDays(from: now, to: now.addingTimeInterval(0.5)) == "in 1 second")
        #expect(DayCount.inDays(from: now, to: now) == "in 0 seconds")
    }

    @Test func thePastIsZeroDays() {
        #expect(DayCount.days(from: now, to: now) == 0)
        #expect(DayCount.days(from: now, to: now.addingTimeInterval(-86400)) == 0)
        #expect(DayCount.text(0) == "0 days")
    }
}
