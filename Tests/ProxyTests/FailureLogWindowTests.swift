import NIOCore
import Testing

@testable import Proxy

@Suite struct FailureLogWindowTests {
    @Test func theFirstFailureIsReportedAtOnceThenOneLinePerIntervalWithTheCount() {
        var window = FailureLogWindow()
        let start = NIODeadline.uptimeNanoseconds(1_000_000_000)
        #expect(window.failed(at: start) == 1)
        for second in 1...9 {
            #expect(window.failed(at: start + .seconds(Int64(second))) == nil)
        }
        // Ten seconds after the last line: the nine suppressed ones and this one.
        #expect(window.failed(at: start + .seconds(10)) == 10)
        #expect(window.failed(at: start + .seconds(11)) == nil)
        #expect(window.failed(at: start + .seconds(25)) == 2)
    }
}
