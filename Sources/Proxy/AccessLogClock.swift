/// The access log's timestamps, formatted once per second rather than once per line (nginx caches
/// its time strings the same way): one per event loop, so no lock.
struct AccessLogClock {
    private var second: Int = -1
    /// `03/Dec/2026:20:35:42 +0000` (nginx's `$time_local`, in UTC).
    private(set) var combined: [UInt8] = []
    /// `2026-12-03T20:35:42` (the JSON form's date and time, without fraction and zone).
    private(set) var iso8601Seconds: [UInt8] = []

    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// Brings the strings to the UTC second of `secondsSinceEpoch`.
    mutating func update(secondsSinceEpoch: Int) {
        guard secondsSinceEpoch != self.second else { return }
        self.second = secondsSinceEpoch
        let days = secondsSinceEpoch >= 0 ? secondsSinceEpoch / 86_400 : (secondsSinceEpoch - 86_399) / 86_400
        let secondOfDay = secondsSinceEpoch - days * 86_400
        let (year, month, day) = Self.civil(daysSinceEpoch: days)
        let hour = secondOfDay / 3600
        let minute = secondOfDay / 60 % 60
        let second = secondOfDay % 60
        self.combined =
            Array(
                "\(Self.two(day))/\(Self.months[month - 1])/\(year):\(Self.two(hour)):\(Self.two(minute)):\(Self.two(second)) +0000"
                    .utf8
            )
        self.iso8601Seconds = Array(
            "\(year)-\(Self.two(month))-\(Self.two(day))T\(Self.two(hour)):\(Self.two(minute)):\(Self.two(second))".utf8
        )
    }

    private static func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }

    /// Year, month (1–12) and day of a day count since 1970-01-01 (proleptic Gregorian; H. Hinnant's
    /// `civil_from_days`).
    static func civil(daysSinceEpoch: Int) -> (year: Int, month: Int, day: Int) {
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }
}
