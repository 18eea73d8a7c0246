import Foundation
import Mustache

/// The compiled blocked-page templates, the operator's branding, and what each page says.
struct BlockedPageRenderer: Sendable {
    let russian: MustacheTemplate
    let english: MustacheTemplate
    let branding: OperatorBranding

    init(templates: BlockedPageTemplates, branding: OperatorBranding = OperatorBranding()) {
        // Profile templates were compiled when the profile was loaded; should one still fail,
        // the built-in page is better than no page.
        self.russian = Self.compile(templates.russian, fallback: BlockedPageTemplates.builtInRussian)
        self.english = Self.compile(templates.english, fallback: BlockedPageTemplates.builtInEnglish)
        self.branding = branding
    }

    private static func compile(_ text: String, fallback: String) -> MustacheTemplate {
        if let template = try? MustacheTemplate(string: text) { return template }
        if let template = try? MustacheTemplate(string: fallback) { return template }
        preconditionFailure("the built-in blocked page template does not compile")
    }

    func render(_ facts: BlockedPageFacts, english: Bool) -> String {
        (english ? self.english : self.russian).render(self.context(facts, english: english))
    }

    /// The template's variables (docs/PROFILE.md lists them). Every string is escaped by `{{…}}`.
    func context(_ facts: BlockedPageFacts, english: Bool) -> [String: Any] {
        let zone = facts.timeZone
        var context: [String: Any] = [
            "frozen": facts.reason == .tenantFrozen,
            "expired": facts.reason == .licenseExpired,
            "stateUnknown": facts.reason == .stateUnknown,
            "admin": facts.audience == .admin,
            "teacher": facts.audience == .teacher,
            "tenant": facts.tenant ?? facts.host,
            "host": facts.host,
            "lang": english ? "en" : "ru",
            "title": Self.title(facts, english: english),
        ]
        // The offset named is the one in force at the page's main date: a clock change between
        // now and then moves it.
        var zoneInstant = facts.now
        if let until = facts.until {
            context["until"] = PageDateText.moment(until, in: zone, english: english)
            context["untilText"] = PageDateText.until(until, in: zone, english: english)
            context["untilISO"] = Self.iso8601(until)
            zoneInstant = until
        }
        if let since = facts.expiredSince {
            context["expiredSince"] = PageDateText.moment(since, in: zone, english: english)
            context["licenceUntilText"] = PageDateText.until(since, in: zone, english: english)
            context["expiredSinceISO"] = Self.iso8601(since)
            zoneInstant = since
        }
        if facts.audience == .admin, let deleteAfter = facts.deleteAfter {
            context["deleteAfter"] = PageDateText.moment(deleteAfter, in: zone, english: english)
            context["keptUntilText"] = PageDateText.until(deleteAfter, in: zone, english: english)
            context["deleteAfterISO"] = Self.iso8601(deleteAfter)
        }
        if context["untilText"] != nil || context["licenceUntilText"] != nil || context["keptUntilText"] != nil {
            context["timeZoneNote"] = PageDateText.zoneNote(zone, at: zoneInstant, english: english)
        }
        context["timeZone"] = PageDateText.zoneName(zone, at: zoneInstant)
        if let licensingURL = facts.licensingURL { context["licensingURL"] = licensingURL }
        // Support finds a school's complaint in the access log by it.
        if let requestID = facts.requestID, !requestID.isEmpty { context["requestID"] = requestID }
        let branding = self.branding
        if let name = branding.name { context["operatorName"] = name }
        if let email = branding.supportEmail { context["supportEmail"] = email }
        if let phone = branding.supportPhone {
            context["supportPhone"] = phone
            if let uri = branding.supportPhoneURI { context["supportPhoneURI"] = uri }
        }
        if let url = branding.supportURL { context["supportURL"] = url }
        if let logo = branding.logoURL { context["logoURL"] = logo }
        context["support"] = branding.hasSupportContact
        return context
    }

    static func title(_ facts: BlockedPageFacts, english: Bool) -> String {
        switch facts.reason {
        case .tenantFrozen: return english ? "Account frozen" : "Аккаунт заморожен"
        case .licenseExpired: return english ? "Licence expired" : "Лицензия закончилась"
        case .stateUnknown: return english ? "Temporarily unavailable" : "Временно недоступно"
        }
    }

    static let utcCalendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? TimeZone(secondsFromGMT: 0) ?? calendar.timeZone
        return calendar
    }()

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
