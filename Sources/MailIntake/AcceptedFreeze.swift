/// A freeze made from a request: its days, the paid days it keeps, and the new end of the paid period.
public struct AcceptedFreeze: Sendable, Equatable {
    public var freezeID: Int64
    public var firstDay: CalendarDay
    public var lastDay: CalendarDay
    public var paidDaysKept: Int
    /// The first day no longer paid.
    public var paidUntil: CalendarDay
    /// The zone the days are in (the tenant's), named in the reply; nil when not known.
    public var timeZone: String?

    public init(
        freezeID: Int64,
        firstDay: CalendarDay,
        lastDay: CalendarDay,
        paidDaysKept: Int,
        paidUntil: CalendarDay,
        timeZone: String? = nil
    ) {
        self.timeZone = timeZone
        self.freezeID = freezeID
        self.firstDay = firstDay
        self.lastDay = lastDay
        self.paidDaysKept = paidDaysKept
        self.paidUntil = paidUntil
    }
}
