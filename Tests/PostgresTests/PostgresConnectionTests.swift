import Foundation
import Postgres
import TestSupport
import Testing

@Suite("PostgresConnection against a real cluster", .timeLimit(.minutes(2)))
struct PostgresConnectionTests {
    private func connect() async throws -> PostgresConnection {
        try await PostgresConnection.connect(try await TestPostgres.shared.makeDatabase(prefix: "conn"))
    }

    @Test func roundTripsEverySupportedType() async throws {
        let connection = try await connect()
        let date = Date(timeIntervalSince1970: 1_785_542_400.123456)
        let bytes: [UInt8] = [0, 1, 2, 0x7f, 0x80, 0xff]
        let row = try await connection.query(
            "SELECT $1::text, $2::int8, $3::int4, $4::bool, $5::float8, $6::timestamptz, $7::bytea, $8::int2, $9::text[]",
            ["héllo — привет 👋", Int64.max, 42, true, 3.25, date, bytes, 7, ["a", "b\"c", "d\\e"]]
        )[0]
        #expect(try row.decode(String.self, column: 0) == "héllo — привет 👋")
        #expect(try row.decode(Int64.self, column: 1) == Int64.max)
        #expect(try row.decode(Int.self, column: 2) == 42)
        #expect(try row.decode(Int32.self, column: 2) == 42)
        #expect(try row.decode(Bool.self, column: 3) == true)
        #expect(try row.decode(Double.self, column: 4) == 3.25)
        let decodedDate = try row.decode(Date.self, column: 5)
        #expect(abs(decodedDate.timeIntervalSince(date)) < 0.000_001)
        #expect(try row.decode([UInt8].self, column: 6) == bytes)
        #expect(try row.decode(Int.self, column: 7) == 7)
        #expect(try row.decode([String].self, column: 8) == ["a", "b\"c", "d\\e"])
    }

    @Test func decodesByColumnNameAndArraysOfTimestamps() async throws {
        let connection = try await connect()
        let rows = try await connection.query(
            "SELECT ARRAY['2026-01-01T00:00:00Z'::timestamptz, '2026-07-01T12:00:00Z'] AS moments, ARRAY[1,2,3]::int8[] AS ids, '{}'::text[] AS empty"
        )
        #expect(
            try rows[0].decode([Date].self, column: "moments").map(\.timeIntervalSince1970) == [
                1_767_225_600, 1_782_907_200,
            ]
        )
        #expect(try rows[0].decode([Int64].self, column: "ids") == [1, 2, 3])
        #expect(try rows[0].decode([String].self, column: "empty") == [])
    }

    @Test func negativeValuesAndInstantsBeforePostgreSQLsEpochDecode() async throws {
        let connection = try await connect()
        let row = try await connection.query(
            """
            SELECT -5::int8, -70000::int4, -3::int2, '1999-12-31T23:59:59.5Z'::timestamptz,
                   ARRAY['1970-01-01T00:00:00Z'::timestamptz, '1999-06-01T00:00:00Z'] AS moments,
                   ARRAY[-1, 9223372036854775807, -9223372036854775808]::int8[] AS ids,
                   NULL::timestamptz AS never, ARRAY['a', NULL]::text[] AS names
            """
        )[0]
        #expect(try row.decode(Int64.self, column: 0) == -5)
        #expect(try row.decode(Int32.self, column: 1) == -70_000)
        #expect(try row.decode(Int.self, column: 2) == -3)
        #expect(try row.decode(Date.self, column: 3).timeIntervalSince1970 == 946_684_799.5)
        #expect(try row.decode(Date?.self, column: 3)?.timeIntervalSince1970 == 946_684_799.5)
        #expect(try row.decode([Date].self, column: 4).map(\.timeIntervalSince1970) == [0, 928_195_200])
        #expect(try row.decode([Int64].self, column: 5) == [-1, Int64.max, Int64.min])
        #expect(try row.decode(Date?.self, column: 6) == nil)
        #expect(throws: PostgresError.self) { try row.decode(Date.self, column: 6) }
        #expect(try row.decode([String?].self, column: 7) == ["a", nil])
        #expect(throws: PostgresError.self) { try row.decode([String].self, column: 7) }
    }

    @Test func nullsDecodeOnlyAsOptionals() async throws {
        let connection = try await connect()
        let row = try await connection.query("SELECT NULL::text, $1::int8", [Int64?.none])[0]
        #expect(try row.decode(String?.self, column: 0) == nil)
        #expect(try row.decode(Int64?.self, column: 1) == nil)
        let error = try #require(throws: PostgresError.self) { try row.decode(String.self, column: 0) }
        #expect(error.kind == .decoding)
        #expect(error.message.contains("NULL"))
    }

    @Test func aColumnOfAnotherTypeIsAClearError() async throws {
        let connection = try await connect()
        let row = try await connection.query("SELECT 'x'::text AS name, 1.5::numeric AS amount")[0]
        let error = try #require(throws: PostgresError.self) { try row.decode(Int.self, column: 0) }
        #expect(error.kind == .decoding)
        #expect(error.message.contains("\"name\""))
        #expect(error.message.contains("text"))
        #expect(throws: PostgresError.self) { try row.decode(Double.self, column: "amount") }
        #expect(throws: PostgresError.self) { try row.decode(Int.self, column: "missing") }
    }

    @Test func largeTextAndByteaValues() async throws {
        let connection = try await connect()
        let text = String(repeating: "абвгд-xyz ", count: 100_000)  // > 1 MB in UTF-8
        let bytes = (0..<1_048_576).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        try await connection.execute("CREATE TABLE blobs (t text, b bytea)")
        try await connection.query("INSERT INTO blobs VALUES ($1, $2)", [text, bytes])
        let row = try await connection.query("SELECT t, b, length(t) FROM blobs")[0]
        #expect(try row.decode(String.self, column: 0) == text)
        #expect(try row.decode([UInt8].self, column: 1) == bytes)
        #expect(try row.decode(Int.self, column: 2) == text.count)
    }

    @Test func emptyArraysAreEmptyArraysAndEmptyBytesAreEmptyBytea() async throws {
        let connection = try await connect()
        let row = try await connection.query(
            "SELECT cardinality($1::text[]), $2::bytea = ''::bytea",
            [[String](), [UInt8]()]
        )[0]
        #expect(try row.decode(Int.self, column: 0) == 0)
        #expect(try row.decode(Bool.self, column: 1))
        await connection.close()
    }

    @Test func parametersAreNeverSplicedIntoSQL() async throws {
        let connection = try await connect()
        try await connection.execute("CREATE TABLE names (n text)")
        let hostile = "'); DROP TABLE names; --"
        try await connection.query("INSERT INTO names VALUES ($1)", [hostile])
        let rows = try await connection.query("SELECT n FROM names")
        #expect(try rows[0].decode(String.self, column: 0) == hostile)
    }

    /// libpq reads a parameter as a C string: a NUL would end it there and store the rest of the
    /// value nowhere, silently. The statement is refused before it is sent, and nothing is written.
    @Test func aParameterHoldingANULIsRefusedNotCutShort() async throws {
        let connection = try await connect()
        try await connection.execute("CREATE TABLE subjects (s text)")
        let error = await #expect(throws: PostgresError.self) {
            try await connection.query("INSERT INTO subjects VALUES ($1), ($2)", ["kept", "Fr\u{0}eeze"])
        }
        #expect(error?.kind == .usage)
        #expect(error?.message == "parameter $2 holds a NUL character, which PostgreSQL text cannot store")
        #expect(try await connection.query("SELECT count(*) FROM subjects")[0].decode(Int.self, column: 0) == 0)
        try await connection.query("INSERT INTO subjects VALUES ($1)", [PostgresText.storable("Fr\u{0}eeze")])
        #expect(
            try await connection.query("SELECT s FROM subjects")[0].decode(String.self, column: 0) == "Fr\u{FFFD}eeze"
        )
    }

    @Test func errorsCarrySQLStateAndDiagnostics() async throws {
        let connection = try await connect()
        let missing = await #expect(throws: PostgresError.self) {
            try await connection.query("SELECT * FROM no_such_table")
        }
        #expect(missing?.sqlState == "42P01")
        #expect(missing?.kind == .query)
        #expect(missing?.severity == "ERROR")

        try await connection.execute("CREATE TABLE uniq (k text CONSTRAINT uniq_k UNIQUE)")
        try await connection.query("INSERT INTO uniq VALUES ($1)", ["a"])
        let duplicate = await #expect(throws: PostgresError.self) {
            try await connection.query("INSERT INTO uniq VALUES ($1)", ["a"])
        }
        #expect(duplicate?.sqlState == "23505")
        #expect(duplicate?.constraint == "uniq_k")
        #expect(duplicate?.detail?.contains("already exists") == true)

        let raised = await #expect(throws: PostgresError.self) {
            try await connection.execute(
                "DO $$ BEGIN RAISE EXCEPTION 'rule 2' USING ERRCODE = 'FG002', HINT = 'ask for 30 days'; END $$"
            )
        }
        #expect(raised?.sqlState == "FG002")
        #expect(raised?.hint == "ask for 30 days")
        // The connection is still usable after a query error.
        #expect(try await connection.query("SELECT 1")[0].decode(Int.self, column: 0) == 1)
    }

    @Test func aBadPasswordIsAnAuthenticationFailure() async throws {
        let cluster = try await TestPostgres.shared.cluster()
        let url = cluster.tcpURL(user: PostgresTestCluster.passwordRole, password: "wrong")
        let error = await #expect(throws: PostgresError.self) { try await PostgresConnection.connect(url) }
        #expect(error?.kind == .connectionFailed)
        #expect(error?.sqlState == "28P01")
        let good = try await PostgresConnection.connect(
            cluster.tcpURL(user: PostgresTestCluster.passwordRole, password: PostgresTestCluster.passwordRolePassword)
        )
        #expect(
            try await good.query("SELECT current_user::text")[0].decode(String.self, column: 0)
                == PostgresTestCluster.passwordRole
        )
    }

    @Test func anUnreachableServerFailsWithinTheConnectTimeout() async throws {
        let port = try FreePort.find()
        let error = await #expect(throws: PostgresError.self) {
            try await PostgresConnection.connect(
                PostgresConfiguration(
                    connectionString: "postgresql://nobody@127.0.0.1:\(port)/x",
                    connectTimeoutSeconds: 2
                )
            )
        }
        #expect(error?.kind == .connectionFailed)
        #expect(error?.sqlState == "08001")
        #expect(error?.isConnectionError == true)
    }

    @Test func applicationNameIsSetAndTheCallersOwnWins() async throws {
        let url = try await TestPostgres.shared.makeDatabase(prefix: "appname")
        let defaulted = try await PostgresConnection.connect(url, applicationName: "freezegate-test")
        #expect(
            try await defaulted.query("SHOW application_name")[0].decode(String.self, column: 0) == "freezegate-test"
        )
        let explicit = try await PostgresConnection.connect(url + " application_name=ops-console")
        #expect(try await explicit.query("SHOW application_name")[0].decode(String.self, column: 0) == "ops-console")
    }

    @Test func aClosedConnectionRefusesWork() async throws {
        let connection = try await connect()
        await connection.close()
        await connection.close()  // closing twice is harmless (PQfinish runs once)
        let error = await #expect(throws: PostgresError.self) { try await connection.query("SELECT 1") }
        #expect(error?.kind == .usage)
    }

    @Test func aTerminatedSessionIsAConnectionError() async throws {
        let url = try await TestPostgres.shared.makeDatabase(prefix: "terminated")
        let victim = try await PostgresConnection.connect(url)
        let killer = try await PostgresConnection.connect(url)
        try await killer.query("SELECT pg_terminate_backend($1)", [victim.backendPID])
        let error = await #expect(throws: PostgresError.self) { try await victim.query("SELECT 1") }
        #expect(error?.isConnectionError == true)
    }

    @Test func affectedRowCountComesFromTheCommandTag() async throws {
        let connection = try await connect()
        try await connection.execute("CREATE TABLE t (n int); INSERT INTO t SELECT generate_series(1, 5)")
        let result = try await connection.query("UPDATE t SET n = n + 1 WHERE n > $1", [2])
        #expect(result.affectedRowCount == 3)
    }
}
