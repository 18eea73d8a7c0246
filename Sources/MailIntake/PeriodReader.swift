import Foundation

/// Finds the freeze period in a request's text: two dates joined by "по", "до", "to", "until" or a
/// dash, in the forms people write ("с 1 июня по 31 августа 2027", "01.06.2027–31.08.2027", "from
/// 1 June to 31 August 2027", "June 1 – August 31, 2027", "2027-06-01 — 2027-08-31").
///
/// Nothing is guessed: no period, two different periods, a missing year, a day that does not exist
/// or an end before the start each make the request unreadable.
public enum PeriodReader {
    public enum Finding: Sendable, Equatable {
        case period(RequestedPeriod)
        case none
        case several([RequestedPeriod])
        case incomplete
    }

    public static func read(_ text: String) -> Finding {
        let lowered = text.lowercased()
        let mentions = dateMentions(in: lowered)
        var periods: [RequestedPeriod] = []
        var incomplete = false
        var index = 0
        while index + 1 < mentions.count {
            let first = mentions[index]
            let second = mentions[index + 1]
            guard isConnector(lowered[first.range.upperBound..<second.range.lowerBound]) else {
                index += 1
                continue
            }
            if let period = period(first, second) {
                if !periods.contains(period) { periods.append(period) }
            } else {
                incomplete = true
            }
            index += 2
        }
        if periods.count > 1 { return .several(periods) }
        if incomplete { return .incomplete }
        if let period = periods.first { return .period(period) }
        return .none
    }

    private static func period(_ first: DateMention, _ second: DateMention) -> RequestedPeriod? {
        var startYear = first.year
        var endYear = second.year
        if startYear == nil, let endYear {
            startYear = (first.month, first.day) > (second.month, second.day) ? endYear - 1 : endYear
        }
        if endYear == nil, let startYear {
            endYear = (second.month, second.day) < (first.month, first.day) ? startYear + 1 : startYear
        }
        guard let startYear, let endYear,
            let firstDay = CalendarDay(year: startYear, month: first.month, day: first.day),
            let lastDay = CalendarDay(year: endYear, month: second.month, day: second.day),
            firstDay <= lastDay
        else { return nil }
        return RequestedPeriod(firstDay: firstDay, lastDay: lastDay)
    }

    /// What may stand between the two dates of a period: a dash or a word meaning "to", with the
    /// year's "г."/"года", commas and "включительно"/"inclusive" around it.
    private static func isConnector(_ gap: Substring) -> Bool {
        var words = gap.replacingOccurrences(of: ",", with: " ")
        for filler in ["включительно", "inclusive", "года", "г.", "(", ")"] {
            words = words.replacingOccurrences(of: filler, with: " ")
        }
        let tokens = words.split(whereSeparator: \.isWhitespace).filter { $0 != "г" }
        guard tokens.count == 1, let token = tokens.first else { return false }
        return ["-", "–", "—", "--", "по", "до", "to", "until", "till", "through", "thru", "-до"].contains(
            String(token)
        )
    }

    /// The bare first day of a period within one month, "с 1 по 30 июня 2027", "1–30 June 2027": a
    /// day number and a connector right before the day-and-month date.
    private static func firstDayOfSameMonth(
        before end: String.Index,
        in text: String
    ) -> (range: Range<String.Index>, day: Int)? {
        let start = text.index(end, offsetBy: -16, limitedBy: text.startIndex) ?? text.startIndex
        let before = text[start..<end]
        guard let match = before.firstMatch(of: #/(\d{1,2})\s*(?:-|–|—|по|до|to|until|till|through)\s*$/#),
            let day = Int(match.1)
        else { return nil }
        let range = match.1.startIndex..<match.1.endIndex
        if range.lowerBound > text.startIndex {
            let previous = text[text.index(before: range.lowerBound)]
            if previous.isNumber || previous == "." || previous == "/" || previous == "-" { return nil }
        }
        return (range, day)
    }

    private static var numericDotted: Regex<(Substring, Substring, Substring, Substring)> {
        #/(\d{1,2})\.(\d{1,2})\.(\d{4})(?![\d])/#
    }
    private static var iso: Regex<(Substring, Substring, Substring, Substring)> {
        #/(\d{4})-(\d{1,2})-(\d{1,2})(?![\d])/#
    }

    /// Every date in the text, in order, overlapping finds resolved in favour of the earlier one.
    static func dateMentions(in text: String) -> [DateMention] {
        var found: [DateMention] = []
        for match in text.matches(of: numericDotted) {
            if let day = Int(match.1), let month = Int(match.2), let year = Int(match.3) {
                found.append(DateMention(range: match.range, year: year, month: month, day: day))
            }
        }
        for match in text.matches(of: iso) {
            if let year = Int(match.1), let month = Int(match.2), let day = Int(match.3) {
                found.append(DateMention(range: match.range, year: year, month: month, day: day))
            }
        }
        let month = MonthNames.pattern
        let yearPart = #"(?:[\s,]+(\d{4})(?!\d))?"#
        // 1 июня [2027], 1st of June [2027]
        if let dayMonth = try? Regex(#"(\d{1,2})(?:st|nd|rd|th)?(?:\s+of)?\s+("# + month + #")\b\.?"# + yearPart) {
            for match in text.matches(of: dayMonth) {
                let output = match.output
                guard let dayText = output[1].substring, let monthText = output[2].substring,
                    let day = Int(dayText), let monthNumber = MonthNames.month(monthText)
                else { continue }
                let year = output[3].substring.flatMap { Int($0) }
                found.append(DateMention(range: match.range, year: year, month: monthNumber, day: day))
                if let first = firstDayOfSameMonth(before: match.range.lowerBound, in: text) {
                    found.append(DateMention(range: first.range, year: year, month: monthNumber, day: first.day))
                }
            }
        }
        // June 1[, 2027]
        if let monthDay = try? Regex(#"\b("# + month + #")\.?\s+(\d{1,2})(?:st|nd|rd|th)?(?![\d.])"# + yearPart) {
            for match in text.matches(of: monthDay) {
                let output = match.output
                guard let monthText = output[1].substring, let dayText = output[2].substring,
                    let day = Int(dayText), let monthNumber = MonthNames.month(monthText)
                else { continue }
                let year = output[3].substring.flatMap { Int($0) }
                found.append(DateMention(range: match.range, year: year, month: monthNumber, day: day))
            }
        }
        found.removeAll { mention in
            mention.range.lowerBound > text.startIndex
                && text[text.index(before: mention.range.lowerBound)].isNumber
        }
        found.sort { ($0.range.lowerBound, $1.range.upperBound) < ($1.range.lowerBound, $0.range.upperBound) }
        var result: [DateMention] = []
        for mention in found {
            if let last = result.last, mention.range.lowerBound < last.range.upperBound { continue }
            result.append(mention)
        }
        return result
    }
}
