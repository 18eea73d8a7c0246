import Foundation
import Mustache

/// The compiled blocked-page templates and the date formatting per language.
struct BlockedPageRenderer: Sendable {
    let russian: MustacheTemplate
    let english: MustacheTemplate

    init(templates: BlockedPageTemplates) {
        // Profile templates were compiled when the profile was loaded; should one still fail,
        // the built-in page is better than no page.
        self.russian = Self.compile(templates.russian, fallback: BlockedPageTemplates.builtInRussian)
        self.english = Self.compile(templates.english, fallback: BlockedPageTemplates.builtInEnglish)
    }

    private static func compile(_ text: String, fallback: String) -> MustacheTemplate {
        if let template = try? MustacheTemplate(string: text) { return template }
        if let template = try? MustacheTemplate(string: fallback) { return template }
        preconditionFailure("the built-in blocked page template does not compile")
    }

    func render(
        reason: BlockReason,
        tenant: String?,
        host: String,
        until: Date?,
        licensingURL: String?,
        english: Bool,
        requestID: String? = nil
    ) -> String {
        var context: [String: Any] = [
            "frozen": reason == .tenantFrozen,
            "expired": reason == .licenseExpired,
            "stateUnknown": reason == .stateUnknown,
            "tenant": tenant ?? host,
            "host": host,
            "lang": english ? "en" : "ru",
        ]
        switch reason {
        case .tenantFrozen: context["title"] = english ? "Account frozen" : "Аккаунт заморожен"
        case .licenseExpired: context["title"] = english ? "Licence expired" : "Срок действия лицензии истёк"
        case .stateUnknown: context["title"] = english ? "Temporarily unavailable" : "Временно недоступно"
        }
        if let until {
            context["until"] = Self.humanDate(until, english: english)
            context["untilISO"] = Self.iso8601(until)
        }
        if let licensingURL { context["licensingURL"] = licensingURL }
        // Support finds a school's complaint in the access log by it.
        if let requestID, !requestID.isEmpty { context["requestID"] = requestID }
        return (english ? self.english : self.russian).render(context)
    }

    static let utcCalendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? TimeZone(secondsFromGMT: 0) ?? calendar.timeZone
        return calendar
    }()

    static let russianMonths = [
        "января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября", "ноября",
        "декабря",
    ]
    static let englishMonths = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
        "December",
    ]

    /// `1 августа 2027 г.` / `1 August 2027`, with `, 09:30 UTC` when the instant is not midnight.
    static func humanDate(_ date: Date, english: Bool) -> String {
        let parts = utcCalendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let month = max(1, min(12, parts.month ?? 1)) - 1
        var text =
            english
            ? "\(parts.day ?? 1) \(englishMonths[month]) \(parts.year ?? 1970)"
            : "\(parts.day ?? 1) \(russianMonths[month]) \(parts.year ?? 1970) г."
        let hour = parts.hour ?? 0
        let minute = parts.minute ?? 0
        if hour != 0 || minute != 0 || (parts.second ?? 0) != 0 {
            text += ", " + twoDigits(hour) + ":" + twoDigits(minute) + " UTC"
        }
        return text
    }

    /// `2027-08-01T00:00:00Z`: ISO 8601, UTC, whole seconds.
    static func iso8601(_ date: Date) -> String {
        let parts = utcCalendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let year = String(parts.year ?? 1970)
        let paddedYear = String(repeating: "0", count: max(0, 4 - year.count)) + year
        return paddedYear + "-" + twoDigits(parts.month ?? 1) + "-" + twoDigits(parts.day ?? 1) + "T"
            + twoDigits(parts.hour ?? 0) + ":" + twoDigits(parts.minute ?? 0) + ":" + twoDigits(parts.second ?? 0) + "Z"
    }

    private static func twoDigits(_ value: Int) -> String {
        value < 10 ? "0\(value)" : "\(value)"
    }
}
