import Foundation
import Gateway
import MailIntake
import Postgres

/// Records a received request and has the database judge it (`freezegate.record_mail_request`).
enum MailRequestRecorder {
    static func record(
        _ request: IncomingRequest,
        handledBy: String,
        timeZone: String,
        on database: PostgresConnection
    ) async throws -> RecordedMailRequest {
        let reading = request.reading
        var details: [String: Any] = [
            // PostgreSQL stores no U+0000: a subject from outside may carry one (`=00`).
            "subject": PostgresText.storable(request.subject),
            "language": reading.language.rawValue,
        ]
        if let problem = reading.problem { details["problem"] = problem.rawValue }
        if let period = reading.period {
            details["first_day"] = period.firstDay.description
            details["last_day"] = period.lastDay.description
        }
        let json = String(
            decoding: try JSONSerialization.data(withJSONObject: details, options: [.sortedKeys]),
            as: UTF8.self
        )
        let rows = try await database.query(
            """
            SELECT request_id, replayed, outcome, tenant, freeze_id, sqlstate, error_message, error_hint, reply_due,
                   freeze_first_day::text, freeze_last_day::text, paid_days_kept, paid_until::text, time_zone
            FROM freezegate.record_mail_request($1, $2, $3::boolean, $4::text[], $5::date, $6::date,
                                                $7::jsonb, $8::boolean, $9, $10)
            """,
            [
                request.messageID, request.from?.description ?? "", request.isAuthenticated,
                reading.identifiers.map(PostgresText.storable),
                reading.period?.firstDay.description, reading.period?.lastDay.description, json, request.mayReply,
                handledBy, timeZone,
            ]
        )
        guard let row = rows.first else { throw CommandFailure("record_mail_request returned no row") }
        return try RecordedMailRequest(row)
    }
}
