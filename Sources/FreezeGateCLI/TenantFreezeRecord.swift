import Foundation
import Gateway
import Postgres
import TenantModel
import TenantState

/// One row of `freezegate.freezes`, as `tenant status` lists it (so that `cancel` can name an id).
struct TenantFreezeRecord: Sendable {
    var id: Int64
    var kind: String
    var startsAt: Date
    var endsAt: Date
    var endedAt: Date?
    var cancelledAt: Date?
    var requestedBy: String?
    var reason: String?

    static let query = """
        SELECT id, kind, starts_at, ends_at, ended_at, cancelled_at, requested_by, reason
          FROM freezegate.freezes WHERE tenant = $1 ORDER BY starts_at, id
        """

    init(row: PostgresRow) throws {
        self.id = try row.decode(Int64.self, column: 0)
        self.kind = try row.decode(String.self, column: 1)
        self.startsAt = try row.decode(Date.self, column: 2)
        self.endsAt = try row.decode(Date.self, column: 3)
        self.endedAt = try row.decode(Date?.self, column: 4)
        self.cancelledAt = try row.decode(Date?.self, column: 5)
        self.requestedBy = try row.decode(String?.self, column: 6)
        self.reason = try row.decode(String?.self, column: 7)
    }

    var jsonObject: [String: Any] {
        [
            "id": Int(id),
            "kind": kind,
            "starts_at": TenantOutput.jsonInstant(startsAt),
            "ends_at": TenantOutput.jsonInstant(endsAt),
            "ended_at": TenantOutput.jsonInstant(endedAt),
            "cancelled_at": TenantOutput.jsonInstant(cancelledAt),
            "requested_by": requestedBy as Any? ?? NSNull(),
            "reason": reason as Any? ?? NSNull(),
        ]
    }

    /// Where the freeze stands at `at`: "starts in 151 days", "running, ends in 12 days", "ended", "cancelled".
    func timing(at: Date) -> String {
        if cancelledAt != nil { return "cancelled" }
        if at < startsAt { return "starts " + DayCount.inDays(from: at, to: startsAt) }
        let end = endedAt ?? endsAt
        if at < end { return "running, ends " + DayCount.inDays(from: at, to: end) }
        return "ended"
    }

    func tableRow(at: Date) -> [String] {
        [
            String(id), kind, timing(at: at), TenantOutput.instant(startsAt), TenantOutput.instant(endsAt),
            TenantOutput.instant(endedAt), TenantOutput.instant(cancelledAt),
            kind == "forced" ? "reason: \(reason ?? "")" : (requestedBy ?? "-"),
        ]
    }

    static let tableHeader = ["ID", "KIND", "WHEN", "STARTS", "ENDS", "ENDED", "CANCELLED", "REQUESTED BY / REASON"]
}
