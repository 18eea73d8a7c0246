#if canImport(Glibc)
import Glibc
#endif

/// Gives the CPU away at least every `interval` of a long computation on a thread, so that a thread
/// woken meanwhile on the same core — an event loop with a request — runs within about that interval.
///
/// A full load is seconds of CPU work at normal priority. The scheduler lets a running thread finish
/// its slice before a woken one of equal priority (milliseconds), so a request arriving during the
/// load could wait that long for its event loop to run. `sched_yield` ends the slice early when
/// another thread is waiting and costs one system call when none is; the load's share of a contended
/// core over time is unchanged (only the order within a slice changes), unlike a lower nice value,
/// which starved the resync that brings in the changes of an outage on a loaded machine. Used by
/// every stretch of a full load — a connection's thread copying a result out of libpq, the sync task
/// decoding rows and building tables — and by the walk that counts tenants by condition.
package struct CPUYieldPacer {
    /// The longest stretch of work between two yields.
    private let intervalNanoseconds: UInt64
    /// How many `pace()` calls pass between two reads of the clock (reading it costs ~20 ns).
    private let callsPerClockRead: Int
    private let monotonicNanoseconds: () -> UInt64
    private let yield: () -> Void
    private var callsUntilClockRead: Int
    private var lastYield: UInt64

    package init(interval: Duration = .microseconds(250), callsPerClockRead: Int = 16) {
        self.init(
            interval: interval,
            callsPerClockRead: callsPerClockRead,
            monotonicNanoseconds: Self.systemMonotonicNanoseconds,
            yield: Self.systemYield
        )
    }

    /// With the clock and the yield given (for tests).
    package init(
        interval: Duration,
        callsPerClockRead: Int,
        monotonicNanoseconds: @escaping () -> UInt64,
        yield: @escaping () -> Void
    ) {
        let (seconds, attoseconds) = interval.components
        self.intervalNanoseconds =
            UInt64(max(0, seconds)) * 1_000_000_000 + UInt64(max(0, attoseconds) / 1_000_000_000)
        self.callsPerClockRead = max(1, callsPerClockRead)
        self.monotonicNanoseconds = monotonicNanoseconds
        self.yield = yield
        self.callsUntilClockRead = self.callsPerClockRead
        self.lastYield = monotonicNanoseconds()
    }

    /// Called once per unit of work (a row copied or decoded, a record stored or compared).
    @inline(__always)
    package mutating func pace() {
        self.callsUntilClockRead -= 1
        guard self.callsUntilClockRead <= 0 else { return }
        self.yieldIfDue()
    }

    private mutating func yieldIfDue() {
        self.callsUntilClockRead = self.callsPerClockRead
        let now = self.monotonicNanoseconds()
        guard now &- self.lastYield >= self.intervalNanoseconds else { return }
        self.yield()
        self.lastYield = self.monotonicNanoseconds()
    }

    private static func systemMonotonicNanoseconds() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }

    private static func systemYield() {
        #if os(Linux)
        sched_yield()
        #endif
    }
}
