import Foundation

/// Durations as people count them on the command line: whole days, rounded up, so that a freeze
/// starting tomorrow morning "starts in 1 day" and one starting exactly 30 days from now "in 30 days".
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

    /// "in 1 day", "in 30 days": how long until `to`, seen from `from`.
    public static func inDays(from: Date, to: Date) -> String {
        "in " + self.text(self.days(from: from, to: to))
    }
}
