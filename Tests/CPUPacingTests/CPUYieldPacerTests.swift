import Testing

@testable import CPUPacing

/// The pacer that lets a long load give its core away: it must yield once per interval of work,
/// not per call (a system call per row would slow a million-row load), and never before the
/// interval has passed.
@Suite struct CPUYieldPacerTests {
    /// A clock the test moves by hand, counting how often it is read and how often the pacer yields.
    final class Recorder {
        var now: UInt64 = 1_000
        var clockReads = 0
        var yields: [UInt64] = []
    }

    static func pacer(_ recorder: Recorder, callsPerClockRead: Int = 4) -> CPUYieldPacer {
        CPUYieldPacer(
            interval: .microseconds(250),
            callsPerClockRead: callsPerClockRead,
            monotonicNanoseconds: {
                recorder.clockReads += 1
                return recorder.now
            },
            yield: { recorder.yields.append(recorder.now) }
        )
    }

    @Test func readsTheClockOncePerGroupOfCalls() {
        let recorder = Recorder()
        var pacer = Self.pacer(recorder)
        let readsAtStart = recorder.clockReads
        for _ in 0..<3 { pacer.pace() }
        #expect(recorder.clockReads == readsAtStart)
        pacer.pace()
        #expect(recorder.clockReads == readsAtStart + 1)
        for _ in 0..<40 { pacer.pace() }
        #expect(recorder.clockReads == readsAtStart + 11)
        #expect(recorder.yields.isEmpty, "no time passed: nothing to give away")
    }

    @Test func yieldsOnceTheIntervalHasPassedAndCountsTheNextFromThere() {
        let recorder = Recorder()
        var pacer = Self.pacer(recorder, callsPerClockRead: 1)
        recorder.now += 249_999
        pacer.pace()
        #expect(recorder.yields.isEmpty, "a nanosecond short of the interval")
        recorder.now += 1
        pacer.pace()
        #expect(recorder.yields == [251_000])
        pacer.pace()
        recorder.now += 100_000
        pacer.pace()
        #expect(recorder.yields.count == 1, "the interval counts from the last yield")
        recorder.now += 150_000
        pacer.pace()
        #expect(recorder.yields == [251_000, 501_000])
    }

    @Test func aLongStretchWithoutCallsYieldsOnceAtTheNextCheck() {
        let recorder = Recorder()
        var pacer = Self.pacer(recorder, callsPerClockRead: 2)
        recorder.now += 10_000_000
        pacer.pace()
        #expect(recorder.yields.isEmpty, "the clock is not read before the group of calls is complete")
        pacer.pace()
        pacer.pace()
        pacer.pace()
        #expect(recorder.yields.count == 1)
    }
}
