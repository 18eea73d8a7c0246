import Foundation
import Synchronization

/// A clock that only moves when told to, for tests of time-dependent behaviour (a freeze that
/// starts at 09:00) without sleeping.
public final class ManualWallClock: WallClock {
    private let current: Mutex<Date>

    public init(_ start: Date = Date(timeIntervalSince1970: 0)) {
        self.current = Mutex(start)
    }

    public func now() -> Date {
        self.current.withLock { $0 }
    }

    /// Moves the clock forward (or back, with a negative interval).
    public func advance(by interval: TimeInterval) {
        self.current.withLock { $0 = $0.addingTimeInterval(interval) }
    }

    /// Sets the clock to `instant`.
    public func set(_ instant: Date) {
        self.current.withLock { $0 = instant }
    }
}
