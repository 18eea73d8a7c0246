import Foundation
import TestSupport
import Testing

@testable import Gate

@Suite struct BlockedPageRendererTests {
    static let moscow = TimeZone(identifier: "Europe/Moscow") ?? .gmt
    let nbsp = "\u{a0}"
    let branding = OperatorBranding(
        name: "Школьная CRM",
        supportEmail: "help@crm.example",
        supportPhone: "+7 800 555-35-35",
        supportURL: "https://crm.example/support",
        logoURL: "https://crm.example/logo.svg"
    )

    /// Frozen until 2027-09-01 00:00 Moscow time; expired since 2027-07-01 00:00 Moscow time, due
    /// for removal from 2027-07-31 00:00 Moscow time.
    func facts(_ reason: BlockReason, _ audience: PageAudience) -> BlockedPageFacts {
        BlockedPageFacts(
            reason: reason,
            tenant: "acme",
            host: "acme.s20.online",
            audience: audience,
            until: reason == .tenantFrozen ? utc("2027-08-31T21:00:00Z") : nil,
            expiredSince: reason == .licenseExpired ? utc("2027-06-30T21:00:00Z") : nil,
            deleteAfter: reason == .licenseExpired ? utc("2027-07-30T21:00:00Z") : nil,
            licensingURL: audience == .admin ? "/company/1/licensing" : nil,
            timeZone: Self.moscow,
            requestID: "req-42",
            now: utc("2027-07-15T12:00:00Z")
        )
    }

    func page(
        _ reason: BlockReason,
        _ audience: PageAudience,
        english: Bool,
        branding: OperatorBranding? = nil
    )
        -> String
    {
        BlockedPageRenderer(templates: .builtIn, branding: branding ?? self.branding)
            .render(self.facts(reason, audience), english: english)
    }

    @Test func frozenAdminRussian() {
        let text = self.page(.tenantFrozen, .admin, english: false)
        #expect(text.contains("<html lang=\"ru\">"))
        #expect(text.contains("<h1>Аккаунт заморожен</h1>"))
        #expect(text.contains("Аккаунт <b>acme</b> заморожен по\(nbsp)31\(nbsp)августа 2027\(nbsp)г. включительно."))
        #expect(text.contains("Все данные сохранены"))
        #expect(text.contains("Чтобы разморозить аккаунт раньше срока, обратитесь в поддержку:"))
        #expect(text.contains("<a href=\"mailto:help@crm.example\">help@crm.example</a>"))
        #expect(text.contains("<a href=\"tel:+78005553535\">+7 800 555-35-35</a>"))
        #expect(text.contains("<a href=\"https://crm.example/support\">"))
        #expect(text.contains("<img src=\"https://crm.example/logo.svg\" alt=\"Школьная CRM\">"))
        #expect(text.contains("href=\"/company/1/licensing\""))
        #expect(text.contains("Даты указаны по часовому поясу Europe/Moscow (UTC+3)."))
        #expect(text.contains("acme.s20.online · запрос №\(nbsp)req-42</footer>"))
    }

    @Test func frozenAdminEnglish() {
        let text = self.page(.tenantFrozen, .admin, english: true)
        #expect(text.contains("<html lang=\"en\">"))
        #expect(text.contains("The account <b>acme</b> is frozen until 31\u{a0}August 2027 inclusive."))
        #expect(text.contains("All your data is kept"))
        #expect(text.contains("To end the freeze early, contact support:"))
        #expect(text.contains("Go to Licensing"))
        #expect(text.contains("Dates are in the Europe/Moscow time zone (UTC+3)."))
        #expect(text.contains("acme.s20.online · request ID req-42</footer>"))
    }

    @Test func frozenTeacherHasNoLinkAndSendsToTheAdministrator() {
        let russian = self.page(.tenantFrozen, .teacher, english: false)
        #expect(
            russian.contains("Аккаунт школы <b>acme</b> заморожен по\(nbsp)31\(nbsp)августа 2027\(nbsp)г. включительно")
        )
        #expect(russian.contains("обратитесь к администратору вашей школы"))
        #expect(!russian.contains("Лицензирование"))
        #expect(!russian.contains("mailto:"))
        #expect(!russian.contains("разморозить"))
        #expect(russian.contains("запрос №\(nbsp)req-42"))
        let english = self.page(.tenantFrozen, .teacher, english: true)
        #expect(english.contains("Your school's account <b>acme</b> is frozen until 31\u{a0}August 2027 inclusive"))
        #expect(english.contains("ask your school's administrator"))
        #expect(!english.contains("Licensing"))
        #expect(!english.contains("mailto:"))
        #expect(english.contains("request ID req-42"))
    }

    @Test func expiredAdminSaysSinceWhenAndTheRemovalDateCarefully() {
        let russian = self.page(.licenseExpired, .admin, english: false)
        #expect(russian.contains("<h1>Лицензия закончилась</h1>"))
        #expect(
            russian.contains(
                "Лицензия аккаунта <b>acme</b> действовала по\(nbsp)30\(nbsp)июня 2027\(nbsp)г. включительно."
            )
        )
        #expect(
            russian.contains(
                "По правилам обслуживания они хранятся по\(nbsp)30\(nbsp)июля 2027\(nbsp)г. включительно, а после этого аккаунт может быть удалён."
            )
        )
        #expect(russian.contains("href=\"/company/1/licensing\""))
        #expect(russian.contains("mailto:help@crm.example"))
        let english = self.page(.licenseExpired, .admin, english: true)
        #expect(english.contains("The licence for <b>acme</b> was valid until 30\u{a0}June 2027 inclusive."))
        #expect(
            english.contains(
                "Under the terms of service it is kept until 30\u{a0}July 2027 inclusive; after that the account may be deleted."
            )
        )
        #expect(english.contains("request ID req-42"))
    }

    @Test func expiredTeacherSeesNoRemovalDate() {
        let russian = self.page(.licenseExpired, .teacher, english: false)
        #expect(
            russian.contains("Лицензия школы <b>acme</b> действовала по\(nbsp)30\(nbsp)июня 2027\(nbsp)г. включительно")
        )
        #expect(russian.contains("обратитесь к администратору вашей школы"))
        #expect(!russian.contains("удал"))
        #expect(!russian.contains("июля"))
        #expect(!russian.contains("Лицензирование"))
        let english = self.page(.licenseExpired, .teacher, english: true)
        #expect(english.contains("Your school's licence for <b>acme</b> was valid until 30\u{a0}June 2027 inclusive"))
        #expect(!english.contains("delete"))
        #expect(!english.contains("July"))
        let context = BlockedPageRenderer(templates: .builtIn).context(
            self.facts(.licenseExpired, .teacher),
            english: false
        )
        #expect(context["deleteAfter"] == nil)
        #expect(context["deleteAfterISO"] == nil)
    }

    @Test func expiredWithoutDatesStillReads() {
        var facts = self.facts(.licenseExpired, .admin)
        facts.expiredSince = nil
        facts.deleteAfter = nil
        let text = BlockedPageRenderer(templates: .builtIn).render(facts, english: false)
        #expect(text.contains("Лицензия аккаунта <b>acme</b> закончилась."))
        #expect(!text.contains("Даты указаны"))
        #expect(!text.contains("поддержку"))
    }

    @Test func withoutBrandingThePageAsksForSupportWithoutContacts() {
        let text = self.page(.tenantFrozen, .admin, english: false, branding: OperatorBranding())
        #expect(text.contains("обратитесь в поддержку.</p>"))
        #expect(!text.contains("<ul>"))
        #expect(!text.contains("<header>"))
        #expect(!text.contains("<img"))
    }

    @Test func operatorNameWithoutLogoIsTheHeader() {
        let text = self.page(.tenantFrozen, .admin, english: true, branding: OperatorBranding(name: "Acme & Co"))
        #expect(text.contains("<header>Acme &amp; Co</header>"))
    }

    @Test(arguments: [false, true])
    func everyOperatorStringIsEscaped(english: Bool) {
        let hostile = OperatorBranding(
            name: "<script>alert(1)</script>\"'&",
            supportEmail: "a\"><script>@x.example",
            supportPhone: "+7 <b>",
            supportURL: "https://x.example/\"><script>alert(1)</script>",
            logoURL: "https://x.example/logo.png\" onerror=\"alert(1)"
        )
        var facts = self.facts(.tenantFrozen, .admin)
        facts.tenant = "<i>acme</i>"
        facts.host = "a<b>.example"
        facts.requestID = "\"><script>"
        facts.licensingURL = "/company/1/licensing?a=\"<x>"
        let text = BlockedPageRenderer(templates: .builtIn, branding: hostile).render(facts, english: english)
        #expect(!text.contains("<script>"))
        #expect(!text.contains("<i>"))
        #expect(!text.contains("<b>.example"))
        #expect(!text.contains("\" onerror=\""))
        #expect(text.contains("a&quot;&gt;&lt;script&gt;@x.example"))
        #expect(text.contains("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;"))
        #expect(text.contains("https://x.example/logo.png&quot; onerror=&quot;alert(1)"))
    }

    @Test func stateUnknownNamesNoDateAndNoZone() {
        var facts = self.facts(.stateUnknown, .admin)
        facts.until = nil
        let text = BlockedPageRenderer(templates: .builtIn, branding: self.branding).render(facts, english: false)
        #expect(text.contains("Временно недоступно"))
        #expect(!text.contains("Даты указаны"))
        #expect(!text.contains("mailto:"))
    }

    @Test func templateVariablesForCustomPages() {
        let renderer = BlockedPageRenderer(
            templates: BlockedPageTemplates(
                russian:
                    "{{untilText}}|{{until}}|{{untilISO}}|{{timeZone}}|{{operatorName}}|{{supportEmail}}|{{requestID}}|{{#admin}}A{{/admin}}{{#teacher}}T{{/teacher}}",
                english:
                    "{{licenceUntilText}}|{{expiredSince}}|{{expiredSinceISO}}|{{keptUntilText}}|{{deleteAfter}}|{{deleteAfterISO}}"
            ),
            branding: self.branding
        )
        #expect(
            renderer.render(self.facts(.tenantFrozen, .teacher), english: false)
                == "по\(nbsp)31\(nbsp)августа 2027\(nbsp)г. включительно|1\(nbsp)сентября 2027\(nbsp)г.|2027-08-31T21:00:00Z|Europe/Moscow, UTC+3|Школьная CRM|help@crm.example|req-42|T"
        )
        #expect(
            renderer.render(self.facts(.licenseExpired, .admin), english: true)
                == "until 30\u{a0}June 2027 inclusive|1\u{a0}July 2027|2027-06-30T21:00:00Z|until 30\u{a0}July 2027 inclusive|31\u{a0}July 2027|2027-07-30T21:00:00Z"
        )
    }
}
