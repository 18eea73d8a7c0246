import Gateway
import MailIntake
import Postgres

/// A request as `freezegate.record_mail_request` recorded and judged it.
struct RecordedMailRequest {
    var requestID: Int64
    var replayed: Bool
    var outcome: String
    var tenant: String?
    var freezeID: Int64?
    var sqlState: String?
    var errorMessage: String?
    var errorHint: String?
    var replyDue: Bool
    var accepted: AcceptedFreeze?
    /// The zone the request's days were read in (the tenant's, else the default); nil when replayed.
    var timeZone: String?

    init(_ row: PostgresRow) throws {
        requestID = try row.decode(Int64.self, column: "request_id")
        replayed = try row.decode(Bool.self, column: "replayed")
        outcome = try row.decode(String.self, column: "outcome")
        tenant = try row.decode(String?.self, column: "tenant")
        freezeID = try row.decode(Int64?.self, column: "freeze_id")
        sqlState = try row.decode(String?.self, column: "sqlstate")
        errorMessage = try row.decode(String?.self, column: "error_message")
        errorHint = try row.decode(String?.self, column: "error_hint")
        replyDue = try row.decode(Bool.self, column: "reply_due")
        timeZone = try row.decode(String?.self, column: "time_zone")
        if let freezeID,
            let first = Self.day(try row.decode(String?.self, column: "freeze_first_day")),
            let last = Self.day(try row.decode(String?.self, column: "freeze_last_day")),
            let kept = try row.decode(Int32?.self, column: "paid_days_kept"),
            let paidUntil = Self.day(try row.decode(String?.self, column: "paid_until"))
        {
            accepted = AcceptedFreeze(
                freezeID: freezeID,
                firstDay: first,
                lastDay: last,
                paidDaysKept: Int(kept),
                paidUntil: paidUntil,
                timeZone: timeZone
            )
        }
    }

    /// What the reply says.
    var replyOutcome: RequestOutcome {
        switch outcome {
        case "accepted": return accepted.map(RequestOutcome.accepted) ?? .unverified
        case "refused": return .refused(sqlState: sqlState ?? "", hint: errorHint)
        case "unreadable": return .unreadable
        default: return .unverified
        }
    }

    /// `2027-06-01` (dates are selected as text).
    private static func day(_ text: String?) -> CalendarDay? {
        guard let text else { return nil }
        let parts = text.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return nil }
        return CalendarDay(year: parts[0], month: parts[1], day: parts[2])
    }
}
