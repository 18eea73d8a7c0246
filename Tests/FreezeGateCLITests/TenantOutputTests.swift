import Foundation
import Testing

@testable import FreezeGateCLI

@Suite("TenantOutput")
struct TenantOutputTests {
    @Test func tablesAlignColumnsAndLeaveNoTrailingSpaces() {
        let text = TenantOutput.table(header: ["A", "LONGER", "Z"], rows: [["abcd", "x", "last"], ["e", "", ""]])
        #expect(text == "A     LONGER  Z\nabcd  x       last\ne\n")
    }

    @Test func instantsAreUTCISO8601AndDashWhenAbsent() {
        let date = Date(timeIntervalSince1970: 1_811_808_000)  // 2027-06-01T00:00:00Z
        #expect(TenantOutput.instant(date) == "2027-06-01T00:00:00Z")
        #expect(TenantOutput.instant(nil) == "-")
        #expect(TenantOutput.jsonInstant(nil) is NSNull)
        #expect(TenantOutput.instant(.distantFuture) == "infinity")
    }

    @Test func fieldsAreAlignedOnePerLine() {
        #expect(TenantOutput.fields([("a", "1"), ("long key", "2")]) == "a         1\nlong key  2\n")
    }
}
