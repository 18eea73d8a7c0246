import Foundation
import Gateway

/// A database error told in `freezegate tenant` terms: the rule that refused (for FG001–FG007), the
/// reason in this case, and a hint that names `freezegate tenant …` commands and options only.
///
/// The SQL functions write their messages and hints for every client, so a hint gives the command
/// first and the SQL second (`… freezegate tenant pay acme --days 30 (SQL: SELECT …)`), arguments
/// carry their SQL names (`starts_at`) and instants look like `2027-07-01 00:00:00Z`. On the command
/// line the SQL part is noise, `--from` is what the operator typed, and an instant with a space
/// cannot be pasted back as one argument, so the text is rewritten here; the database stays the
/// only judge of the rules.
struct TenantErrorWording: Equatable {
    /// One of the freeze rules, as the operator knows them.
    struct Rule: Equatable, Sendable {
        var number: Int
        var statement: String
    }

    var rule: Rule?
    /// The first line after `error: ` when no rule is named: what went wrong.
    var message: String
    /// Why the rule refused this request (the figures), when a rule is named.
    var reason: String?
    var hint: String?

    init(sqlState: String?, message sqlMessage: String, hint sqlHint: String?) {
        let message = Self.cliText(sqlMessage)
        self.hint = sqlHint.map(Self.cliText).flatMap { $0.isEmpty ? nil : $0 }
        guard let sqlState, let known = Self.rules[sqlState], message.hasPrefix("rule \(known.rule.number): ") else {
            self.rule = nil
            self.message = message
            self.reason = nil
            return
        }
        let body = String(message.dropFirst("rule \(known.rule.number): ".count))
        self.rule = known.rule
        self.message = "rule \(known.rule.number): \(known.rule.statement)"
        self.reason = known.reason(body)
    }

    /// The lines for stderr: `error: rule N: …` with the SQLSTATE, then `reason:` and `hint:`.
    func humanText(sqlState: String?) -> String {
        var text = "error: \(message)"
        if let sqlState { text += " (SQLSTATE \(sqlState))" }
        text += "\n"
        if let reason, !reason.isEmpty { text += "reason: \(reason)\n" }
        if let hint { text += "hint: \(hint)\n" }
        return text
    }

    // MARK: - The rules

    /// How each rule's SQL message is split into the rule and the reason.
    private struct KnownRule: Sendable {
        var rule: Rule
        /// The reason, from the message without its `rule N: ` prefix.
        var reason: @Sendable (String) -> String
    }

    /// The reason is what follows the rule's own words (`<clause>; <reason>`); when the message
    /// does not read so (a later migration reworded it), the whole message is the reason.
    private static func after(_ clause: String) -> @Sendable (String) -> String {
        { body in body.hasPrefix(clause + "; ") ? String(body.dropFirst(clause.count + 2)) : body }
    }

    private static let rules: [String: KnownRule] = [
        "FG001": KnownRule(
            rule: Rule(number: 1, statement: "a freeze must be requested from the main administrator's e-mail"),
            reason: after("a freeze must be requested from the main administrator's e-mail")
        ),
        "FG002": KnownRule(
            rule: Rule(number: 2, statement: "a freeze must last at least 30 days"),
            reason: after("a freeze must last at least 30 days")
        ),
        "FG003": KnownRule(
            rule: Rule(number: 3, statement: "freezes may cover at most 90 days in a calendar year"),
            reason: { body in
                // "freezes may cover at most 90 days in calendar year 2031; already …"
                let prefix = "freezes may cover at most 90 days in calendar year "
                guard body.hasPrefix(prefix), let semicolon = body.range(of: "; ") else { return body }
                let year = body[body.index(body.startIndex, offsetBy: prefix.count)..<semicolon.lowerBound]
                return "in \(year): " + body[semicolon.upperBound...]
            }
        ),
        "FG004": KnownRule(
            rule: Rule(
                number: 4,
                statement: "with fewer than 30 paid days left, a freeze cannot start before the paid period ends"
            ),
            reason: { body in
                // "with X of paid time left (fewer than 30 days) a freeze cannot start before the
                // subscription ends at T; requested start S"
                let left =
                    " of paid time left (fewer than 30 days) a freeze cannot start before the subscription ends at "
                guard body.hasPrefix("with "), let middle = body.range(of: left),
                    let semicolon = body.range(of: "; ", range: middle.upperBound..<body.endIndex)
                else { return body }
                let paidLeft = body[body.index(body.startIndex, offsetBy: 5)..<middle.lowerBound]
                let paidEnd = body[middle.upperBound..<semicolon.lowerBound]
                return "\(paidLeft) of paid time left, paid until \(paidEnd); \(body[semicolon.upperBound...])"
            }
        ),
        "FG005": KnownRule(
            rule: Rule(
                number: 5,
                statement: "without an active subscription, a freeze is accepted only together with one paid month"
            ),
            reason: { body in
                let clause = "; a freeze is accepted only together with the payment of one month"
                return body.hasSuffix(clause) ? String(body.dropLast(clause.count)) : body
            }
        ),
        "FG006": KnownRule(
            rule: Rule(number: 6, statement: "freezes of one tenant never overlap"),
            reason: after("freezes of one tenant never overlap")
        ),
        "FG007": KnownRule(
            rule: Rule(number: 6, statement: "a freeze cannot start in the past"),
            reason: after("a freeze cannot start in the past")
        ),
    ]

    // MARK: - SQL text to command-line text

    /// The SQL names of arguments and the options the operator gives them with.
    private static let optionNames: [(sql: String, option: String)] = [
        ("starts_at", "--from"), ("ends_at", "--until"), ("requested_by", "--requested-by"),
        ("pay_one_month", "--pay-one-month"), ("paid_until", "--paid-until"), ("owner_email", "--owner-email"),
    ]

    /// `invalid argument: NAME …` of FG014: the names that are options only there (`at` and `days`
    /// are ordinary words elsewhere).
    private static let invalidArgumentNames: [(sql: String, option: String)] = [
        ("at", "--at"), ("days", "--days"), ("reason", "--reason"),
    ]

    /// Drops `(SQL: …)`, writes instants as ISO 8601 (`2027-07-01T00:00:00Z`) and arguments as options.
    static func cliText(_ text: String) -> String {
        var text = self.removingSQL(text)
        text = self.isoInstants(text)
        text = self.durationsInDays(text)
        for (sql, option) in self.optionNames {
            // "--from (starts_at)" in a hint already names the option.
            text = text.replacingOccurrences(of: " (\(sql))", with: "")
            text = self.replacingWord(sql, with: option, in: text)
        }
        for (sql, option) in self.invalidArgumentNames {
            let prefix = "invalid argument: \(sql) "
            if text.hasPrefix(prefix) { text = "invalid argument: \(option) " + text.dropFirst(prefix.count) }
        }
        text = text.replacingOccurrences(of: "finite timestamptz", with: "finite instant")
        return text.trimmingCharacters(in: .whitespaces)
    }

    /// Removes every ` (SQL: …)` with its balanced parentheses, and the space before the
    /// punctuation that followed it.
    static func removingSQL(_ text: String) -> String {
        var result = ""
        var rest = Substring(text)
        while let open = rest.range(of: "(SQL:") {
            var before = rest[..<open.lowerBound]
            while before.last == " " { before.removeLast() }
            result += before
            var depth = 0
            var index = open.lowerBound
            while index < rest.endIndex {
                if rest[index] == "(" { depth += 1 }
                if rest[index] == ")" {
                    depth -= 1
                    if depth == 0 { break }
                }
                index = rest.index(after: index)
            }
            rest = index < rest.endIndex ? rest[rest.index(after: index)...] : ""
            // "… freezegate tenant list (SQL: …)." and "… --until X ... (SQL: …)." end well.
            if rest.first == ".", result.hasSuffix("...") { rest = rest.dropFirst() }
        }
        return result + rest
    }

    /// `2027-07-01 00:00:00Z` or `2027-07-01 00:00:00.5` (UTC) → `2027-07-01T00:00:00Z`.
    static func isoInstants(_ text: String) -> String {
        text.replacing(/(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d+)?)Z?/) { match in
            "\(match.1)T\(match.2)Z"
        }
    }

    /// PostgreSQL's intervals with a time part (`29 days 23:59:59`, `1 day 02:00:00`, and a bare
    /// `12:00:00` after `requested`, `with`, `already` or `total`) → days with up to two decimals,
    /// rounded down (`29.99 days`): a duration reads in one unit, and rounding up would hide why
    /// a rule refused ("30 days" is not fewer than 30).
    static func durationsInDays(_ text: String) -> String {
        func days(_ whole: Int, _ hours: Int, _ minutes: Int, _ seconds: Double) -> String {
            let total = Double(whole) + (Double(hours) * 3600 + Double(minutes) * 60 + seconds) / 86_400
            let hundredths = Int((total * 100).rounded(.down))
            let text =
                hundredths % 100 == 0
                ? "\(hundredths / 100)"
                : hundredths % 10 == 0
                    ? String(format: "%d.%d", hundredths / 100, (hundredths % 100) / 10)
                    : String(format: "%d.%02d", hundredths / 100, hundredths % 100)
            return text == "1" ? "1 day" : "\(text) days"
        }
        var text = text.replacing(/(\d+) days? (\d{2}):(\d{2}):(\d{2}(?:\.\d+)?)/) { match in
            days(Int(match.1) ?? 0, Int(match.2) ?? 0, Int(match.3) ?? 0, Double(match.4) ?? 0)
        }
        text = text.replacing(/(requested|with|already|total) (\d{2}):(\d{2}):(\d{2}(?:\.\d+)?)(?![\dZ])/) { match in
            "\(match.1) " + days(0, Int(match.2) ?? 0, Int(match.3) ?? 0, Double(match.4) ?? 0)
        }
        return text
    }

    private static func replacingWord(_ word: String, with replacement: String, in text: String) -> String {
        var result = ""
        var rest = Substring(text)
        func isWordCharacter(_ character: Character?) -> Bool {
            guard let character else { return false }
            return character.isLetter || character.isNumber || character == "_"
        }
        while let range = rest.range(of: word) {
            let before = range.lowerBound == rest.startIndex ? result.last : rest[rest.index(before: range.lowerBound)]
            let after = range.upperBound < rest.endIndex ? rest[range.upperBound] : nil
            result += rest[..<range.lowerBound]
            result += isWordCharacter(before) || isWordCharacter(after) ? word : replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}
