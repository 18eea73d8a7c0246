import Foundation

/// Conversions between `Date` and PostgreSQL's timestamps (microseconds since 2000-01-01 UTC).
enum PostgresTime {
    /// Seconds from 1970-01-01 to 2000-01-01.
    static let epochOffset: Double = 946_684_800

    static func date(fromMicroseconds microseconds: Int64) -> Date {
        if microseconds == Int64.max { return .distantFuture }
        if microseconds == Int64.min { return .distantPast }
        return Date(timeIntervalSince1970: epochOffset + Double(microseconds) / 1_000_000)
    }

    /// ISO 8601 in UTC with microseconds, which the server parses whatever its DateStyle and TimeZone.
    static func text(from date: Date) -> String {
        if date == .distantFuture { return "infinity" }
        if date == .distantPast { return "-infinity" }
        let totalMicroseconds = (date.timeIntervalSince1970 * 1_000_000).rounded()
        let micros = Int64(totalMicroseconds)
        var seconds = micros / 1_000_000
        var fraction = micros % 1_000_000
        if fraction < 0 {
            fraction += 1_000_000
            seconds -= 1
        }
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = civilDate(daysSince1970: days)
        let hour = secondOfDay / 3600
        let minute = (secondOfDay % 3600) / 60
        let second = secondOfDay % 60
        let yearText = year > 9999 || year < 1 ? String(year) : pad(year, 4)
        let base = "\(yearText)-\(pad(month, 2))-\(pad(day, 2))T\(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2))"
        return "\(base).\(pad(fraction, 6))Z"
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// Howard Hinnant's civil-from-days, proleptic Gregorian calendar.
    private static func civilDate(daysSince1970: Int64) -> (Int64, Int64, Int64) {
        let z = daysSince1970 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthPrime = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthPrime + 2) / 5 + 1
        let month = monthPrime < 10 ? monthPrime + 3 : monthPrime - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }
}
