import Foundation

/// The words of the replies, in Russian and English: the accepted freeze, the rule that refused a
/// request in plain words with the nearest acceptable request, and the request for a readable one.
public struct ReplyText: Sendable {
    public var language: RequestLanguage
    /// The tenant's zone: the days of a rule's hint (instants in UTC) are read in it.
    public var timeZone: TimeZone

    public init(language: RequestLanguage, timeZone: TimeZone = .gmt) {
        self.language = language
        self.timeZone = timeZone
    }

    private var russian: Bool { language == .russian }

    public func subject(replyingTo original: String) -> String {
        let trimmed = original.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty { return russian ? "Заморозка аккаунта" : "Account freeze" }
        let lowered = trimmed.lowercased()
        return lowered.hasPrefix("re:") ? trimmed : "Re: " + trimmed
    }

    public func day(_ day: CalendarDay) -> String {
        let ru = [
            "января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября", "ноября",
            "декабря",
        ]
        let en = [
            "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
            "November",
            "December",
        ]
        return "\(day.day) \((russian ? ru : en)[day.month - 1]) \(day.year)"
    }

    public func body(for outcome: RequestOutcome, tenant: String?, period: RequestedPeriod?) -> String {
        let greeting = russian ? "Здравствуйте!" : "Hello,"
        let footer =
            russian
            ? "Это письмо отправлено автоматически; ответ на него прочтёт служба поддержки."
            : "This message was sent automatically; a reply to it reaches our support team."
        return [greeting, paragraph(for: outcome, tenant: tenant, period: period), footer].joined(separator: "\n\n")
            + "\n"
    }

    private func paragraph(for outcome: RequestOutcome, tenant: String?, period: RequestedPeriod?) -> String {
        switch outcome {
        case .accepted(let freeze):
            let lastPaid = day(freeze.paidUntil.adding(days: -1))
            let zone = freeze.timeZone.map { russian ? ", по времени \($0)" : ", \($0) time" } ?? ""
            return russian
                ? """
                Заморозка аккаунта \(tenant ?? "") оформлена: с \(day(freeze.firstDay)) по \(day(freeze.lastDay)) \
                включительно\(zone).
                Сохранено оплаченных дней: \(freeze.paidDaysKept). Подписка теперь оплачена по \(lastPaid) включительно.
                """
                : """
                The account \(tenant ?? "") is frozen from \(day(freeze.firstDay)) to \(day(freeze.lastDay)) inclusive\(zone).
                Paid days kept: \(freeze.paidDaysKept). Your subscription is now paid up to and including \(lastPaid).
                """
        case .refused(let state, let hint):
            let account = tenant.map { russian ? " аккаунта \($0)" : " the account \($0)" } ?? ""
            let asked =
                period.map {
                    russian
                        ? " с \(day($0.firstDay)) по \(day($0.lastDay))"
                        : " from \(day($0.firstDay)) to \(day($0.lastDay))"
                } ?? ""
            let head =
                russian
                ? "Заявку на заморозку\(account)\(asked) принять нельзя: \(rule(state))."
                : "The request to freeze\(account)\(asked) cannot be accepted: \(rule(state))."
            guard let nearest = nearest(state: state, hint: hint, period: period) else { return head }
            return head + "\n" + nearest
        case .unreadable:
            return russian
                ? """
                Мы не смогли прочитать заявку на заморозку без догадок. Пожалуйста, напишите идентификатор аккаунта \
                и две даты заморозки (последний день включительно), например:

                    Идентификатор: school.s20.online
                    Заморозка с 1 июня по 30 июня 2027
                """
                : """
                We could not read the freeze request without guessing. Please write the account identifier and the \
                two dates of the freeze (the last day included), for example:

                    Account: school.s20.online
                    Freeze from 1 June to 30 June 2027
                """
        case .unverified:
            return ""
        }
    }

    /// "1 день", "3 дня", "57 дней".
    func dayCount(_ count: Int) -> String {
        let lastTwo = count % 100
        let last = count % 10
        if (11...14).contains(lastTwo) { return "\(count) дней" }
        if last == 1 { return "\(count) день" }
        if (2...4).contains(last) { return "\(count) дня" }
        return "\(count) дней"
    }

    /// The rule, in plain words.
    public func rule(_ state: String) -> String {
        switch state {
        case "FG002": return russian ? "заморозка длится не меньше 30 дней" : "a freeze lasts at least 30 days"
        case "FG003":
            return russian
                ? "за календарный год можно заморозить не больше 90 дней"
                : "at most 90 days can be frozen in a calendar year"
        case "FG004":
            return russian
                ? "когда оплачено меньше 30 дней вперёд, заморозка начинается не раньше окончания подписки"
                : "with fewer than 30 paid days left, a freeze can start only when the subscription ends"
        case "FG005":
            return russian
                ? "подписка не активна, а без неё заморозка возможна только вместе с оплатой одного месяца"
                : "the subscription is not active, and without it a freeze is possible only together with the payment of one month"
        case "FG006":
            return russian
                ? "заморозки одного аккаунта не могут пересекаться"
                : "freezes of one account cannot overlap"
        case "FG007": return russian ? "заморозка не может начаться в прошлом" : "a freeze cannot start in the past"
        case "FG010": return russian ? "аккаунта с таким идентификатором нет" : "no account has this identifier"
        case "FG001":
            return russian
                ? "заявку присылают с адреса главного администратора аккаунта"
                : "a request must come from the e-mail of the account's main administrator"
        default: return russian ? "заявка нарушает правила заморозки (\(state))" : "it breaks a freeze rule (\(state))"
        }
    }

    /// The nearest request that would be accepted, where the rule's hint lets us compute it.
    public func nearest(state: String, hint: String?, period: RequestedPeriod?) -> String? {
        switch state {
        case "FG002":
            guard let end = HintReading.firstWholeDay(hint, in: timeZone) else { return nil }
            let lastDay = day(end.adding(days: -1))
            return russian
                ? "Самый ранний последний день для этого начала — \(lastDay)."
                : "The earliest last day for this start is \(lastDay)."
        case "FG003":
            guard let days = HintReading.firstDayCount(hint), let year = HintReading.year(hint) else { return nil }
            var text =
                russian
                ? "В \(year) году можно заморозить ещё не больше \(dayCount(days))."
                : "At most \(days) more days can be frozen in \(year)."
            // The same start, shortened to what is left, when that is still a freeze of 30 days or more.
            if let period, days >= 30, period.firstDay.year == year {
                let lastDay = period.firstDay.adding(days: days - 1)
                if lastDay.year == year {
                    text +=
                        russian
                        ? " Например: с \(day(period.firstDay)) по \(day(lastDay))."
                        : " For example: from \(day(period.firstDay)) to \(day(lastDay))."
                }
            }
            return text
        case "FG004", "FG007":
            guard let start = HintReading.firstWholeDay(hint, in: timeZone) else { return nil }
            return russian
                ? "Самое раннее возможное начало — \(day(start))."
                : "The earliest possible start is \(day(start))."
        case "FG006":
            guard let start = HintReading.firstWholeDay(hint, in: timeZone) else { return nil }
            return russian
                ? "Выберите период, начинающийся не раньше \(day(start))."
                : "Choose a period starting on \(day(start)) or later."
        case "FG005":
            return russian
                ? "Чтобы заморозить аккаунт с оплатой месяца, ответьте на это письмо — служба поддержки поможет."
                : "To freeze with the payment of one month, reply to this message and our support team will help."
        case "FG010":
            return russian
                ? "Напишите идентификатор так, как он указан в адресе вашей CRM, например school.s20.online."
                : "Write the identifier as it appears in the address of your CRM, e.g. school.s20.online."
        default:
            return nil
        }
    }
}
