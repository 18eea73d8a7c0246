import Foundation

/// Durations as people count them on the command line: whole days, rounded up, so that a freeze
/// starting exactly 30 days from now "starts in 30 days" and one 29 days and an hour away "in 30
/// days"; under a day, the largest of hours, minutes and seconds that fits, rounded up, so that a
/// freeze starting in two seconds does not read as a day away.
public enum DayCount {
    /// The number of days from `from` to `to`, rounded up (0 when `to` is not later).
    public static func days(from: Date, to: Date) -> Int {
        let seconds = to.timeIntervalSince(from)
        guard seconds > 0 else { return 0 }
        return Int((seconds / 86400).rounded(.up))
    }

    /// "1 day", "30 days".
    public static func text(_ days: Int) -> String {
        days == 1 ? "1 day" : "\(days) days"
    }

    /// "in 30 days", "in 1 day", "in 5 hours", "in 12 minutes", "in 2 seconds": how long until `to`,
    /// seen from `from` ("in 0 seconds" when it is not later).
    public static func inDays(from: Date, to: Date) -> String {
        let seconds = to.timeIntervalSince(from)
        guard seconds < 86400 else { return "in " + self.text(self.days(from: from, to: to)) }
        for (unit, length) in [("hour", 3600.0), ("minute", 60.0)] where seconds >= length {
            return "in " + self.count(Int((seconds / length).rounded(.up)), unit)
        }
        return "in " + self.count(Int(max(0, seconds).rounded(.up)), "second")
    }

    private static func count(_ value: Int, _ unit: String) -> String {
        value == 1 ? "1 \(unit)" : "\(value) \(unit)s"
    }
}
