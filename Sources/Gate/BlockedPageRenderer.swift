import Foundation
import Mustache

/// The compiled blocked-page templates, the operator's branding, and what each page says.
struct BlockedPageRenderer: Sendable {
    let russian: MustacheTemplate
    let english: MustacheTemplate
    let branding: OperatorBranding
    /// Who rendered a cached page (``BlockedPageCache``): a renderer with other templates or
    /// branding is another identity.
    let identity = Identity()

    final class Identity: Sendable {}

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

    /// The page's bytes, from `cache` when it holds this page (see ``BlockedPageCache``), else
    /// rendered and kept there.
    func page(_ facts: BlockedPageFacts, english: Bool, cache: BlockedPageCache?) -> [UInt8] {
        guard let cache else { return self.bytes(facts, english: english, counting: nil) }
        let requestID = facts.requestID ?? ""
        guard requestID.isEmpty || Self.isSplicable(requestID) else {
            return self.bytes(facts, english: english, counting: cache)
        }
        let key = BlockedPageKey(facts, english: english)
        if let segments = cache.segments(key, renderer: self.identity) {
            return Self.splice(segments, requestID)
        }
        if requestID.isEmpty {
            let page = self.bytes(facts, english: english, counting: cache)
            cache.store([page], for: key, renderer: self.identity)
            return page
        }
        let shape = BlockedPageShape(facts, english: english)
        let known = cache.splicingWorks(shape, renderer: self.identity)
        if known == false { return self.bytes(facts, english: english, counting: cache) }
        var marked = facts
        marked.requestID = Self.marker
        let segments = Self.segments(of: self.bytes(marked, english: english, counting: cache))
        if known == nil {
            var probed = facts
            probed.requestID = Self.probe
            let works = Self.splice(segments, Self.probe) == self.bytes(probed, english: english, counting: cache)
            cache.recordSplicing(works, for: shape, renderer: self.identity)
            if !works { return self.bytes(facts, english: english, counting: cache) }
        }
        cache.store(segments, for: key, renderer: self.identity)
        return Self.splice(segments, requestID)
    }

    private func bytes(_ facts: BlockedPageFacts, english: Bool, counting cache: BlockedPageCache?) -> [UInt8] {
        cache?.countRender()
        return Array(self.render(facts, english: english).utf8)
    }

    /// Stands where the request ID goes: private-use characters no escaping touches and no page
    /// holds (one that did would fail the probe below and be rendered each time).
    static let marker = "\u{E000}request-id\u{E001}"
    /// Mixed case, digits and the punctuation IDs use: a template that changes the ID in any way
    /// renders it differently.
    static let probe = "Pr0b3-ID_x.Y:z"

    /// IDs spliced into a cached page: letters, digits and `-_.:`, which HTML escaping leaves alone
    /// (generated IDs are 32 hex digits; UUIDs and most proxies' IDs qualify too).
    static func isSplicable(_ requestID: String) -> Bool {
        requestID.utf8.allSatisfy { byte in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                || byte == UInt8(ascii: ":") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
                || byte == UInt8(ascii: ".")
        }
    }

    /// The bytes between the markers of `page`.
    static func segments(of page: [UInt8]) -> [[UInt8]] {
        let marker = Array(Self.marker.utf8)
        var segments: [[UInt8]] = []
        var start = 0
        var index = 0
        while index + marker.count <= page.count {
            if page[index] == marker[0], page[index..<(index + marker.count)].elementsEqual(marker) {
                segments.append(Array(page[start..<index]))
                index += marker.count
                start = index
            } else {
                index += 1
            }
        }
        segments.append(Array(page[start...]))
        return segments
    }

    static func splice(_ segments: [[UInt8]], _ requestID: String) -> [UInt8] {
        guard segments.count > 1 else { return segments.first ?? [] }
        let id = requestID.utf8
        var page: [UInt8] = []
        page.reserveCapacity(segments.reduce(0) { $0 + $1.count } + (segments.count - 1) * id.count)
        page.append(contentsOf: segments[0])
        for segment in segments.dropFirst() {
            page.append(contentsOf: id)
            page.append(contentsOf: segment)
        }
        return page
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
