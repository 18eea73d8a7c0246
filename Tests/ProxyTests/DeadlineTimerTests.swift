import NIOCore
import NIOEmbedded
import Testing

@testable import Proxy

@Suite("DeadlineTimer")
struct DeadlineTimerTests {
    final class Counter {
        var value = 0
    }

    @Test func firesOnceAfterTheDeadline() {
        let loop = EmbeddedEventLoop()
        let fired = Counter()
        let timer = DeadlineTimer(eventLoop: loop) { fired.value += 1 }
        timer.arm(in: .seconds(10))
        loop.advanceTime(by: .seconds(9))
        #expect(fired.value == 0)
        loop.advanceTime(by: .seconds(2))
        #expect(fired.value == 1)
        loop.advanceTime(by: .seconds(60))
        #expect(fired.value == 1)
    }

    @Test func reArmingMovesTheDeadline() {
        let loop = EmbeddedEventLoop()
        let fired = Counter()
        let timer = DeadlineTimer(eventLoop: loop) { fired.value += 1 }
        timer.arm(in: .seconds(10))
        loop.advanceTime(by: .seconds(8))
        timer.arm(in: .seconds(10))
        loop.advanceTime(by: .seconds(8))
        #expect(fired.value == 0)
        loop.advanceTime(by: .seconds(3))
        #expect(fired.value == 1)
    }

    @Test func disarmedTimerNeverFires() {
        let loop = EmbeddedEventLoop()
        let fired = Counter()
        let timer = DeadlineTimer(eventLoop: loop) { fired.value += 1 }
        timer.arm(in: .seconds(1))
        timer.disarm()
        loop.advanceTime(by: .seconds(5))
        #expect(fired.value == 0)
        timer.arm(in: .seconds(1))
        timer.cancel()
        loop.advanceTime(by: .seconds(5))
        #expect(fired.value == 0)
    }

    @Test func shorterDeadlineReschedules() {
        let loop = EmbeddedEventLoop()
        let fired = Counter()
        let timer = DeadlineTimer(eventLoop: loop) { fired.value += 1 }
        timer.arm(in: .seconds(60))
        timer.arm(in: .seconds(1))
        loop.advanceTime(by: .seconds(2))
        #expect(fired.value == 1)
    }
}
