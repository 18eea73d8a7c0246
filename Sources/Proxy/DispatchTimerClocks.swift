import Dispatch

/// Swift concurrency's timers (`Task.sleep`) run on libdispatch on Linux, which creates a timer
/// descriptor (timerfd) for a clock at that clock's first timer and stops the process with SIGILL
/// when it cannot. A gateway out of file descriptors (a storm of connections) must not die of its
/// first sleep on a clock: ``prepare()`` runs one short timer on every clock before anything
/// listens, so the descriptors exist from the start and every later timer reuses them.
public enum DispatchTimerClocks {
    /// Long enough that libdispatch's manager arms the clock's timer descriptor before the deadline
    /// passes: a timer already due when the manager first sees it (1 ms was, on a busy machine)
    /// fires without one, and the clock then had no descriptor.
    static let warmUpMilliseconds = 50

    public static func prepare() async {
        // ContinuousClock (CLOCK_BOOTTIME, with CLOCK_MONOTONIC beside it), SuspendingClock, and the
        // wall clock (CLOCK_REALTIME) of wall-clock deadlines.
        try? await Task.sleep(for: .milliseconds(Self.warmUpMilliseconds), clock: .continuous)
        try? await Task.sleep(for: .milliseconds(Self.warmUpMilliseconds), clock: .suspending)
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().asyncAfter(wallDeadline: .now() + .milliseconds(Self.warmUpMilliseconds)) {
                continuation.resume()
            }
        }
    }
}
