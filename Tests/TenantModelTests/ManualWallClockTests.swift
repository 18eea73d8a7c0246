import Foundation
import TenantModel
import TestSupport
import Testing

@testable import TenantModel

@Suite struct ManualWallClockTests {
    @Test func movesOnlyWhenTold() {
        let clock = ManualWallClock(utc("2027-01-01T00:00:00Z"))
        #expect(clock.now() == utc("2027-01-01T00:00:00Z"))
        clock.advance(by: 90)
        #expect(clock.now() == utc("2027-01-01T00:01:30Z"))
        clock.set(utc("2030-05-05T05:05:05Z"))
        #expect(clock.now() == utc("2030-05-05T05:05:05Z"))
    }

    @Test func systemClockIsNearNow() {
        let before = Date()
        let now = SystemWallClock().now()
        #expect(now >= before)
    }
}
