import Dispatch

/// Swift concurrency's timers (`Task.sleep`) run on libdispatch on Linux, which creates a timer
/// descriptor (timerfd) for a clock at that clock's first timer and stops the process with SIGILL
/// when it cannot. A gateway out of file descriptors (a storm of connections) must not die of its
/// first sleep on a clock: ``prepare()`` runs one short timer on every clock before anything
/// listens, so the descriptors exist from the start and every later timer reuses them.
public enum DispatchTimerClocks {
    /// Long enough that libdispatch's manager arms the clock's timer descriptor before the deadline
    /// passes: a timer already due when the manager first sees it (1 ms was, on a busy machine)
    /// fires without one, and the clock then had no descriptor. Doubled for every round that still
    /// left a clock without one (50 ms did, once, with a whole test suite on two cores).
    static let warmUpMilliseconds = 50
    static let warmUpRounds = 5

    /// The clocks whose descriptors must exist: CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_BOOTTIME.
    static let requiredClocks: Set<Int> = [0, 1, 7]

    public static func prepare() async {
        await Self.prepare(
            runningTimers: { await Self.runOneTimerPerClock(milliseconds: $0) },
            readingClocks: { TimerDescriptorClocks.clocks() }
        )
    }

    /// Runs a timer on every clock until the process holds a descriptor for each (`readingClocks`),
    /// at most `warmUpRounds` times, the timers' length doubled each round.
    static func prepare(
        runningTimers: (_ milliseconds: Int) async -> Void,
        readingClocks: () -> Set<Int>?
    ) async {
        var milliseconds = Self.warmUpMilliseconds
        for _ in 0..<Self.warmUpRounds {
            await runningTimers(milliseconds)
            // Where /proc cannot say, one round is all that can be done.
            guard let clocks = readingClocks() else { return }
            if clocks.isSuperset(of: Self.requiredClocks) { return }
            milliseconds *= 2
        }
    }

    private static func runOneTimerPerClock(milliseconds: Int) async {
        // ContinuousClock (CLOCK_BOOTTIME, with CLOCK_MONOTONIC beside it), SuspendingClock, and the
        // wall clock (CLOCK_REALTIME) of wall-clock deadlines.
        try? await Task.sleep(for: .milliseconds(milliseconds), clock: .continuous)
        try? await Task.sleep(for: .milliseconds(milliseconds), clock: .suspending)
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().asyncAfter(wallDeadline: .now() + .milliseconds(milliseconds)) {
                continuation.resume()
            }
        }
    }
}
