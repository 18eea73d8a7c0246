import Foundation
import Postgres
import TenantModel
import TenantState
import TestSupport
import Testing

/// "Active, frozen or expired" is defined twice: in SQL (`freezegate.tenant_status_at`, what the CLI
/// and operators see) and in Swift (`TenantRecord.condition(at:)` over the snapshot the gateway
/// loads, what decides requests). Held equal here over generated tenants — paid periods ending
/// before, during and after their freezes, freezes planned, ended early and cancelled — at every
/// boundary (each freeze's start and effective end, each paid-until, a second either side) and at
/// random instants.
@Suite("Tenant state: SQL and the snapshot agree", .timeLimit(.minutes(3)))
struct TenantConditionDifferentialTests {
    static let tenants = 40
    static let day: TimeInterval = 86_400

    @Test func everyTenantHasTheSameStateInSQLAndInTheSnapshot() async throws {
        let seed = UInt64.random(in: 0...UInt64.max)
        var random = SplitMix64(seed: seed)
        let db = try await LiveStateDatabase.make()
        // Whole seconds, a day ahead: every operation below is judged at or after `base`.
        let base = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 + Self.day).rounded())
        var refused = 0
        for index in 0..<Self.tenants {
            refused += try await self.generateTenant("t\(index)", base: base, db: db, random: &random)
        }

        let sync = RunningSync.start(db.configuration())
        let loaded = await eventually { sync.cache.currentSnapshot()?.count == Self.tenants }
        try #require(loaded, "the snapshot never held the \(Self.tenants) tenants")
        let snapshot = try #require(sync.cache.currentSnapshot())
        await sync.stop()

        var instants: Set<Date> = []
        snapshot.forEachRecord { record in
            var boundaries = [record.paidUntil]
            for window in record.freezes { boundaries += [window.start, window.end] }
            for boundary in boundaries {
                instants.formUnion([boundary.addingTimeInterval(-1), boundary, boundary.addingTimeInterval(1)])
            }
        }
        for _ in 0..<100 {
            instants.insert(base.addingTimeInterval(TimeInterval(Int.random(in: 0...(700 * 86_400), using: &random))))
        }
        // The snapshot answers for instants from its load on.
        let checked = instants.filter { $0 > snapshot.loadedAt }.sorted()
        #expect(checked.count > 300, "\(checked.count) instants")

        var mismatches: [String] = []
        for instant in checked {
            let rows = try await db.admin.query(
                "SELECT tenant, state, frozen_from, frozen_until FROM freezegate.tenant_status_at($1::timestamptz)",
                [instant]
            )
            #expect(rows.count == Self.tenants)
            for row in rows {
                let key = try row.decode(String.self, column: 0)
                let sql = try row.decode(String.self, column: 1)
                let from = try row.decode(Date?.self, column: 2)
                let until = try row.decode(Date?.self, column: 3)
                let swift = snapshot.record(forKey: key)?.condition(at: instant)
                let same: Bool
                switch swift {
                case .active: same = sql == "active"
                case .expired: same = sql == "expired"
                case .frozen(let start, let end): same = sql == "frozen" && from == start && until == end
                case nil: same = false
                }
                if !same {
                    mismatches.append(
                        "\(key) at \(instant): SQL \(sql) \(from.map { "\($0)" } ?? "-")…\(until.map { "\($0)" } ?? "-"), snapshot \(swift.map { "\($0)" } ?? "no record")"
                    )
                }
            }
        }
        #expect(mismatches.isEmpty, "seed \(seed): \(mismatches.prefix(10).joined(separator: "; "))")
        // The generator must reach every state, or the comparison proves little.
        let states = try await db.admin.query(
            "SELECT DISTINCT state FROM freezegate.tenant_status_at($1::timestamptz) ORDER BY 1",
            [base.addingTimeInterval(120 * Self.day)]
        )
        #expect(try states.map { try $0.decode(String.self, column: 0) }.count >= 2, "seed \(seed)")
        #expect(refused < Self.tenants * 2, "seed \(seed): \(refused) operations refused")
        await db.close()
    }

    /// One tenant: a paid period ending 30 days before to 400 days after `base`, up to three forced
    /// freezes one after another, one of them perhaps cancelled and one perhaps ended early. Returns
    /// how many operations the database refused (a rule of its own; the state is still compared).
    private func generateTenant(
        _ key: String,
        base: Date,
        db: LiveStateDatabase,
        random: inout SplitMix64
    ) async throws -> Int {
        let seconds = { (days: ClosedRange<Int>, random: inout SplitMix64) -> TimeInterval in
            TimeInterval(Int.random(in: days, using: &random) * 86_400 + Int.random(in: 0..<86_400, using: &random))
        }
        let paidUntil = base.addingTimeInterval(seconds(-30...400, &random))
        try await db.admin.query(
            "SELECT freezegate.create_tenant($1, $2, $3::timestamptz, $4::timestamptz)",
            [key, "owner@\(key).example", paidUntil, base]
        )
        var refused = 0
        var cursor = base.addingTimeInterval(60)
        var freezes: [(id: Int64, start: Date, end: Date)] = []
        for _ in 0..<Int.random(in: 0...3, using: &random) {
            let start = cursor.addingTimeInterval(seconds(0...90, &random))
            let end = start.addingTimeInterval(seconds(1...120, &random))
            do {
                let rows = try await db.admin.query(
                    "SELECT freezegate.force_freeze($1, $2::timestamptz, $3::timestamptz, 'differential', $4::timestamptz)",
                    [key, start, end, base]
                )
                freezes.append((try rows[0].decode(Int64.self, column: 0), start, end))
            } catch is PostgresError {
                refused += 1
            }
            cursor = end
        }
        guard let chosen = freezes.randomElement(using: &random) else { return refused }
        do {
            if Bool.random(using: &random) {
                try await db.admin.query(
                    "SELECT freezegate.cancel_freeze($1, $2::timestamptz)",
                    [chosen.id, base]
                )
            } else {
                // Ended early, somewhere inside its window.
                let at = chosen.start.addingTimeInterval(
                    TimeInterval.random(in: 1..<chosen.end.timeIntervalSince(chosen.start), using: &random).rounded()
                )
                try await db.admin.query("SELECT freezegate.unfreeze($1, $2::timestamptz)", [key, at])
            }
        } catch is PostgresError {
            refused += 1
        }
        return refused
    }
}
