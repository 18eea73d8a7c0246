/// The freeze a request asks for: from its first day to its last day, both included.
public struct RequestedPeriod: Sendable, Hashable, CustomStringConvertible {
    public var firstDay: CalendarDay
    public var lastDay: CalendarDay

    public init(firstDay: CalendarDay, lastDay: CalendarDay) {
        self.firstDay = firstDay
        self.lastDay = lastDay
    }

    // The days become instants in the tenant's time zone, which only the database knows:
    // freezegate.record_mail_request takes the days.

    public var description: String { "\(firstDay)..\(lastDay)" }
}
