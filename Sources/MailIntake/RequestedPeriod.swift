/// The freeze a request asks for: from its first day to its last day, both included.
public struct RequestedPeriod: Sendable, Hashable, CustomStringConvertible {
    public var firstDay: CalendarDay
    public var lastDay: CalendarDay

    public init(firstDay: CalendarDay, lastDay: CalendarDay) {
        self.firstDay = firstDay
        self.lastDay = lastDay
    }

    /// `starts_at` of the freeze: the first day's midnight, UTC (the model's days are UTC days).
    public var startsAt: String { "\(firstDay)T00:00:00Z" }
    /// `ends_at` of the freeze: the midnight after the last day, since the last day is included.
    public var endsAt: String { "\(lastDay.adding(days: 1))T00:00:00Z" }

    public var description: String { "\(firstDay)..\(lastDay)" }
}
