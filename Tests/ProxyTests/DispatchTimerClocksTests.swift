import Testing

@testable import Proxy

/// The timers run before anything listens, so that a gateway out of descriptors never needs a new
/// timer descriptor: run again, longer, while a clock still has none.
@Suite struct DispatchTimerClocksTests {
    /// What the timers were asked to run and what the reader is made to answer, round by round.
    final class Rounds {
        var answers: [Set<Int>?]
        var timers: [Int] = []
        init(_ answers: [Set<Int>?]) { self.answers = answers }
        func read() -> Set<Int>? { self.answers.isEmpty ? [] : self.answers.removeFirst() }
    }

    static func run(_ rounds: Rounds) async {
        await DispatchTimerClocks.prepare(
            runningTimers: { rounds.timers.append($0) },
            readingClocks: { rounds.read() }
        )
    }

    @Test func oneRoundWhenEveryClockHasItsDescriptor() async {
        let rounds = Rounds([[0, 1, 7, 4]])
        await Self.run(rounds)
        #expect(rounds.timers == [50])
    }

    @Test func aClockLeftWithoutADescriptorGetsLongerTimersUntilItHasOne() async {
        let rounds = Rounds([[1, 7], [1, 7], [0, 1, 7]])
        await Self.run(rounds)
        #expect(rounds.timers == [50, 100, 200])
    }

    @Test func atMostFiveRoundsAndOneWhenProcCannotSay() async {
        let never = Rounds(Array(repeating: [1], count: 9))
        await Self.run(never)
        #expect(never.timers == [50, 100, 200, 400, 800])
        let unknown = Rounds([nil])
        await Self.run(unknown)
        #expect(unknown.timers == [50])
    }

    /// The reader against this very process, after the real timers ran: every clock the gateway
    /// needs has its descriptor, and the reader finds them.
    @Test func theRealTimersLeaveADescriptorForEveryClock() async throws {
        await DispatchTimerClocks.prepare()
        let clocks = try #require(TimerDescriptorClocks.clocks())
        #expect(clocks.isSuperset(of: [0, 1, 7]), "\(clocks.sorted())")
    }
}
