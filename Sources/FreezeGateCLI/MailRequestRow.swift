import Foundation
import Gateway
import Postgres

/// One row of `freezegate.freeze_requests`, as `freezegate tenant requests` shows it.
struct MailRequestRow {
    var id: Int64
    var receivedAt: Date
    var sender: String
    var messageID: String
    var tenant: String?
    var period: String?
    var outcome: String
    var freezeID: Int64?
    var sqlState: String?
    var repliedAt: Date?
    var handledBy: String

    /// `$1` one tenant or NULL (every request, also those no tenant could be found for).
    static let query = """
        SELECT id, received_at, sender, message_id, tenant,
               -- The days as the writer named them (in the tenant's zone), not the UTC instants.
               CASE WHEN reading ? 'first_day' AND reading ? 'last_day'
                    THEN (reading ->> 'first_day') || '..' || (reading ->> 'last_day') END,
               outcome, freeze_id, sqlstate, replied_at, handled_by
          FROM freezegate.freeze_requests
         WHERE $1::text IS NULL OR tenant = $1::text
         ORDER BY received_at, id
        """

    init(row: PostgresRow) throws {
        id = try row.decode(Int64.self, column: 0)
        receivedAt = try row.decode(Date.self, column: 1)
        sender = try row.decode(String.self, column: 2)
        messageID = try row.decode(String.self, column: 3)
        tenant = try row.decode(String?.self, column: 4)
        period = try row.decode(String?.self, column: 5)
        outcome = try row.decode(String.self, column: 6)
        freezeID = try row.decode(Int64?.self, column: 7)
        sqlState = try row.decode(String?.self, column: 8)
        repliedAt = try row.decode(Date?.self, column: 9)
        handledBy = try row.decode(String.self, column: 10)
    }

    static let tableHeader = [
        "RECEIVED", "SENDER", "TENANT", "PERIOD", "OUTCOME", "FREEZE/SQLSTATE", "REPLIED", "MESSAGE-ID",
    ]

    var tableRow: [String] {
        [
            TenantOutput.instant(receivedAt), sender.isEmpty ? "-" : sender, tenant ?? "-", period ?? "-", outcome,
            freezeID.map(String.init) ?? sqlState ?? "-", TenantOutput.instant(repliedAt), messageID,
        ]
    }

    var jsonObject: [String: Any] {
        [
            "id": id,
            "received_at": TenantOutput.instant(receivedAt),
            "sender": sender,
            "message_id": messageID,
            "tenant": tenant as Any? ?? NSNull(),
            "period": period as Any? ?? NSNull(),
            "outcome": outcome,
            "freeze_id": freezeID as Any? ?? NSNull(),
            "sqlstate": sqlState as Any? ?? NSNull(),
            "replied_at": TenantOutput.jsonInstant(repliedAt),
            "handled_by": handledBy,
        ]
    }
}
