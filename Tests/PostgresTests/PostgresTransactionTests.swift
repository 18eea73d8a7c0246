import Postgres
import TestSupport
import Testing

@Suite("Transactions", .timeLimit(.minutes(2)))
struct PostgresTransactionTests {
    struct Abort: Error {}

    @Test func commitsOnSuccessAndRollsBackOnThrow() async throws {
        let connection = try await PostgresConnection.connect(try await TestPostgres.shared.makeDatabase(prefix: "tx"))
        try await connection.execute("CREATE TABLE items (n int)")
        _ = try await connection.transaction { tx in
            try await tx.query("INSERT INTO items VALUES ($1)", [1])
        }
        await #expect(throws: Abort.self) {
            try await connection.transaction { tx in
                try await tx.query("INSERT INTO items VALUES ($1)", [2])
                throw Abort()
            }
        }
        let rows = try await connection.query("SELECT n FROM items ORDER BY n")
        #expect(try rows.map { try $0.decode(Int.self, column: 0) } == [1])
        // Not left inside a transaction.
        #expect(try await connection.query("SELECT txid_current_if_assigned() IS NULL")[0].decode(Bool.self, column: 0))
    }

    @Test func aSwallowedStatementErrorIsNotReportedAsACommit() async throws {
        let connection = try await PostgresConnection.connect(try await TestPostgres.shared.makeDatabase(prefix: "tx"))
        try await connection.execute("CREATE TABLE items (n int PRIMARY KEY)")
        let error = await #expect(throws: PostgresError.self) {
            try await connection.transaction { tx in
                try await tx.query("INSERT INTO items VALUES (1)")
                _ = try? await tx.query("INSERT INTO items VALUES (1)")
            }
        }
        #expect(error?.sqlState == "25P02")
        #expect(try await connection.query("SELECT count(*) FROM items")[0].decode(Int.self, column: 0) == 0)
    }
}
