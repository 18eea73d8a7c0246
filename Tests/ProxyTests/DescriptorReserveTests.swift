import Foundation
import Testing

@testable import Proxy

/// The spare descriptors a listener gives back when the process runs out of them. Checked on the
/// descriptors themselves (other tests open and close theirs meanwhile, so counts would race).
@Suite struct DescriptorReserveTests {
    /// What descriptor `number` of this process is open on, nil when it is closed.
    static func target(_ number: Int32) -> String? {
        try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(number)")
    }

    @Test func itHoldsItsSparesGivesThemBackAndTakesThemAgain() throws {
        let reserve = DescriptorReserve(size: 8)
        let held = reserve.descriptors
        #expect(held.count == 8 && Set(held).count == 8)
        #expect(held.allSatisfy { Self.target($0) == "/dev/null" })
        reserve.release()
        #expect(reserve.count == 0)
        #expect(held.filter { Self.target($0) == nil }.count >= 1, "the spares are closed, not just forgotten")
        #expect(reserve.replenish())
        #expect(reserve.count == 8)
        #expect(reserve.descriptors.allSatisfy { Self.target($0) == "/dev/null" })
        #expect(reserve.replenish(), "already full")
        #expect(reserve.count == 8)
    }

    @Test func itsDescriptorsCloseWithIt() throws {
        var held: [Int32] = []
        do {
            let reserve = DescriptorReserve(size: 4)
            held = reserve.descriptors
            #expect(held.count == 4)
        }
        #expect(held.filter { Self.target($0) == nil }.count >= 1)
    }
}
