import TenantModel

/// The records of a full load as they arrive, keyed by tenant. Filled and emptied on the
/// ``FullLoadWorker``'s thread only, one job after the other (each batch awaited before the next),
/// which is what makes the unchecked sendability sound.
final class FullLoadTable: @unchecked Sendable {
    private var recordsByKey: [String: TenantRecord] = [:]

    /// A resync's table is about the size of the served one: made that size at once, it is not
    /// rehashed a score of times as it grows (a fifth of a million-tenant resync's CPU).
    init(capacity: Int) {
        self.recordsByKey.reserveCapacity(capacity)
    }

    func insert(_ batch: [TenantRecord]) {
        for record in batch {
            self.recordsByKey[record.key] = record
        }
    }

    /// The records, leaving the table empty (so that it holds no second reference to them).
    func takeRecords() -> [String: TenantRecord] {
        var taken: [String: TenantRecord] = [:]
        swap(&taken, &self.recordsByKey)
        return taken
    }
}
