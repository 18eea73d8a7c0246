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
        #expect(DayCount.inDays(from: now, to: now.addingTimeInterval(3600)) == "in 1 day")
        #expect(DayCount.days(from: now, to: now.addingTimeInterval(30 * 86400 + 1)) == 31)
    }

    @Test func thePastIsZeroDays() {
        #expect(DayCount.days(from: now, to: now) == 0)
        #expect(DayCount.days(from: now, to: now.addingTimeInterval(-86400)) == 0)
        #expect(DayCount.text(0) == "0 days")
    }
}
