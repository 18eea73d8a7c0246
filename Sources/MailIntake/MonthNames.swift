/// Month names as people write them in dates, Russian (any case: "июня", "июнь") and English
/// (full or abbreviated), matched by their first letters.
enum MonthNames {
    /// The pattern of one month word, for the period patterns.
    static let pattern =
        "(?:января|январь|янв|февраля|февраль|фев|марта|март|мар|апреля|апрель|апр|мая|май|июня|июнь|июн|июля|июль|июл|августа|август|авг|сентября|сентябрь|сент|сен|октября|октябрь|окт|ноября|ноябрь|ноя|декабря|декабрь|дек|january|jan|february|feb|march|mar|april|apr|may|june|jun|july|jul|august|aug|september|sept|sep|october|oct|november|nov|december|dec)"

    private static let prefixes: [(String, Int)] = [
        ("янв", 1), ("фев", 2), ("мар", 3), ("апр", 4), ("ма", 5), ("июн", 6), ("июл", 7), ("авг", 8), ("сен", 9),
        ("окт", 10), ("ноя", 11), ("дек", 12), ("jan", 1), ("feb", 2), ("mar", 3), ("apr", 4), ("may", 5), ("jun", 6),
        ("jul", 7), ("aug", 8), ("sep", 9), ("oct", 10), ("nov", 11), ("dec", 12),
    ]

    static func month(_ word: Substring) -> Int? {
        let word = word.lowercased()
        return prefixes.first { word.hasPrefix($0.0) }?.1
    }
}
