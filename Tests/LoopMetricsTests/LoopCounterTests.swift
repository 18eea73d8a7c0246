import Foundation
import LoopMetrics
import Testing

@Suite("a loop's counter")
struct LoopCounterTests {
    @Test func countsEveryAdditionOfItsOneWriterWhileAnotherThreadReads() async {
        let counter = LoopCounter()
        let additions = 200_000
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            for _ in 0..<additions { counter.increment() }
            counter.increment(by: 5)
            done.signal()
        }
        var lastSeen = 0
        var monotonic = true
        while done.wait(timeout: .now()) == .timedOut {
            let seen = counter.value
            if seen < lastSeen { monotonic = false }
            lastSeen = seen
        }
        #expect(monotonic, "a reader never sees the count go back")
        #expect(counter.value == additions + 5)
    }
}
