import Foundation

/// The figures a rule's hint gives (its first day, its first count of days), for the nearest
/// acceptable request in a reply. The hints write instants as `2027-07-01 00:00:00Z` and durations
/// as `57 days`.
enum HintReading {
    /// The first day of `zone` that starts at or after the hint's first instant (a freeze starts
    /// at midnight, in the tenant's zone).
    static func firstWholeDay(_ hint: String?, in zone: TimeZone = .gmt) -> CalendarDay? {
        guard let hint,
            let match = hint.firstMatch(of: #/(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})Z/#),
            let year = Int(match.1), let month = Int(match.2), let day = Int(match.3),
            let hour = Int(match.4), let minute = Int(match.5), let second = Int(match.6)
        else { return nil }
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = .gmt
        var local = Calendar(identifier: .gregorian)
        local.timeZone = zone
        guard
            let instant = utc.date(
                from: DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
            )
        else { return nil }
        let there = local.dateComponents([.year, .month, .day, .hour, .minute, .second, .nanosecond], from: instant)
        guard let localYear = there.year, let localMonth = there.month, let localDay = there.day,
            let found = CalendarDay(year: localYear, month: localMonth, day: localDay)
        else { return nil }
        let atMidnight = there.hour == 0 && there.minute == 0 && there.second == 0 && (there.nanosecond ?? 0) == 0
        return atMidnight ? found : found.adding(days: 1)
    }

    static func firstDayCount(_ hint: String?) -> Int? {
        guard let hint, let match = hint.firstMatch(of: #/(\d+) days?/#) else { return nil }
        return Int(match.1)
    }

    static func year(_ hint: String?) -> Int? {
        guard let hint, let match = hint.firstMatch(of: #/ in (\d{4})/#) else { return nil }
        return Int(match.1)
    }
}
