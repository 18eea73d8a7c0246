import Foundation
import TenantModel

extension Gate {
    /// What the blocked page says: the dates in the tenant's zone (the profile's when it has
    /// none, or names one this machine's zone data does not know), and for an expired tenant when
    /// its time ran out and when the operator's policy may remove it.
    func pageFacts(
        reason: BlockReason,
        tenant: String?,
        record: TenantRecord?,
        host: String,
        audience: PageAudience,
        until: Date?,
        licensingURL: String?,
        requestID: String?,
        now: Date
    ) -> BlockedPageFacts {
        var zone = self.profile.timeZone
        if let identifier = record?.timeZone, let tenantZone = TimeZone(identifier: identifier) {
            zone = tenantZone
        }
        var facts = BlockedPageFacts(
            reason: reason,
            tenant: tenant,
            host: host,
            audience: audience,
            until: until,
            licensingURL: licensingURL,
            timeZone: zone,
            requestID: requestID,
            now: now
        )
        if reason == .licenseExpired, let record {
            // A paid period that has not started yet also reads as expired; its end is no "since".
            if let expiresAt = record.expiresAt, expiresAt <= now {
                facts.expiredSince = expiresAt
                facts.deleteAfter = record.deleteAfter
            }
        }
        return facts
    }
}
