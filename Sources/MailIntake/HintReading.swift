/// The figures a rule's hint gives (its first day, its first count of days), for the nearest
/// acceptable request in a reply. The hints write instants as `2027-07-01 00:00:00Z` and durations
/// as `57 days`.
enum HintReading {
    /// The first day that starts at or after the hint's first instant (a freeze starts at midnight).
    static func firstWholeDay(_ hint: String?) -> CalendarDay? {
        guard let hint, let match = hint.firstMatch(of: #/(\d{4})-(\d{2})-(\d{2}) (\d{2}:\d{2}:\d{2})Z/#),
            let year = Int(match.1), let month = Int(match.2), let day = Int(match.3),
            let found = CalendarDay(year: year, month: month, day: day)
        else { return nil }
        return match.4 == "00:00:00" ? found : found.adding(days: 1)
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
