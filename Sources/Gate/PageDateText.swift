import Foundation

/// Dates of the blocked page as a reader in the tenant's time zone reads them. Pure: the zone and
/// the language are arguments, nothing is read from the machine.
///
/// A non-breaking space keeps the day with its month (both languages), and in Russian `г.` with
/// its year and `по`/`до` with the date, so that a narrow phone screen never strands `г.`, a lone
/// number or a preposition at the edge of a line.
enum PageDateText {
    static let nonBreakingSpace = "\u{00A0}"

    static let russianMonths = [
        "января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября", "ноября",
        "декабря",
    ]
    static let englishMonths = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
        "December",
    ]

    static func calendar(in zone: TimeZone) -> Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar
    }

    /// `31 августа 2027 г.` / `31 August 2027`: the day that contains `instant` in `zone`.
    static func day(_ instant: Date, in zone: TimeZone, english: Bool) -> String {
        let parts = calendar(in: zone).dateComponents([.year, .month, .day], from: instant)
        let month = max(1, min(12, parts.month ?? 1)) - 1
        let day = parts.day ?? 1
        let year = parts.year ?? 1970
        if english { return "\(day)\(nonBreakingSpace)\(englishMonths[month]) \(year)" }
        return "\(day)\(nonBreakingSpace)\(russianMonths[month]) \(year)\(nonBreakingSpace)г."
    }

    /// Whether `instant` is the very start of a day in `zone` (its local midnight, or the first
    /// instant of a day whose midnight a clock change skips).
    static func startsADay(_ instant: Date, in zone: TimeZone) -> Bool {
        calendar(in: zone).startOfDay(for: instant) == instant
    }

    /// `09:30`: the local time of day of `instant`.
    static func timeOfDay(_ instant: Date, in zone: TimeZone) -> String {
        let parts = calendar(in: zone).dateComponents([.hour, .minute], from: instant)
        return twoDigits(parts.hour ?? 0) + ":" + twoDigits(parts.minute ?? 0)
    }

    /// The last day something lasts when it ends at `end`: the day of the instant just before it.
    /// An end at a local midnight makes the day before the last one; any other end, its own day.
    static func lastDay(endingAt end: Date, in zone: TimeZone, english: Bool) -> String {
        let lastInstant = startsADay(end, in: zone) ? end.addingTimeInterval(-1) : end
        return day(lastInstant, in: zone, english: english)
    }

    /// What lasts until `end`, said without ambiguity: `по 31 августа 2027 г. включительно` /
    /// `until 31 August 2027 inclusive` when it ends at a local midnight (the last whole day is
    /// named), otherwise `до 31 августа 2027 г., 09:30` / `until 09:30 on 31 August 2027`.
    static func until(_ end: Date, in zone: TimeZone, english: Bool) -> String {
        let last = lastDay(endingAt: end, in: zone, english: english)
        if startsADay(end, in: zone) {
            return english ? "until \(last) inclusive" : "по\(nonBreakingSpace)\(last) включительно"
        }
        let time = timeOfDay(end, in: zone)
        return english ? "until \(time) on \(last)" : "до\(nonBreakingSpace)\(last), \(time)"
    }

    /// `31 августа 2027 г.` at a local midnight, otherwise `31 августа 2027 г., 09:30`
    /// (English: `31 August 2027` / `31 August 2027, 09:30`): one instant.
    static func moment(_ instant: Date, in zone: TimeZone, english: Bool) -> String {
        let text = day(instant, in: zone, english: english)
        return startsADay(instant, in: zone) ? text : text + ", " + timeOfDay(instant, in: zone)
    }

    /// `Europe/Moscow, UTC+3`: the zone's name and its offset at `instant` (which a clock change
    /// moves; `UTC−3` with a minus sign, `UTC+5:30`); just `UTC` for UTC itself.
    static func zoneName(_ zone: TimeZone, at instant: Date) -> String {
        if zone.identifier == "UTC" || zone.identifier == "Etc/UTC" || zone.identifier == "GMT" { return "UTC" }
        return zone.identifier + ", " + utcOffset(zone.secondsFromGMT(for: instant))
    }

    static func utcOffset(_ seconds: Int) -> String {
        let sign = seconds < 0 ? "\u{2212}" : "+"
        let minutes = abs(seconds) / 60
        let hours = minutes / 60
        let rest = minutes % 60
        return "UTC" + sign + String(hours) + (rest == 0 ? "" : ":" + twoDigits(rest))
    }

    /// The footnote naming the zone: `Даты указаны по часовому поясу Europe/Moscow (UTC+3).` /
    /// `Dates are in the Europe/Moscow time zone (UTC+3).`
    static func zoneNote(_ zone: TimeZone, at instant: Date, english: Bool) -> String {
        let name = zoneName(zone, at: instant)
        if name == "UTC" { return english ? "Dates are in UTC." : "Даты указаны по\(nonBreakingSpace)UTC." }
        let offset = utcOffset(zone.secondsFromGMT(for: instant))
        return english
            ? "Dates are in the \(zone.identifier) time zone (\(offset))."
            : "Даты указаны по часовому поясу \(zone.identifier) (\(offset))."
    }

    private static func twoDigits(_ value: Int) -> String {
        value < 10 ? "0\(value)" : "\(value)"
    }
}
