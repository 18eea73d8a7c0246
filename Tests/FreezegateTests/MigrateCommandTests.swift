import Foundation
import Postgres
import TestSupport
import Testing

/// `freezegate migrate` end to end: the built binary against a fresh database.
@Suite("freezegate migrate", .timeLimit(.minutes(3)))
struct MigrateCommandTests {
    @Test func migratesOnceAndTheSecondRunChangesNothing() async throws {
        let url = try await TestPostgres.shared.makeDatabase(prefix: "climig")
        let first = try await FreezegateCLI.run(["migrate", "--database-url", url])
        #expect(first.status == 0, "\(first)")
        #expect(first.stdout.contains("applied 0001_schema.sql"))
        let second = try await FreezegateCLI.run(["migrate"], environment: ["DATABASE_URL": url])
        #expect(second.status == 0, "\(second)")
        #expect(!second.stdout.contains("applied 0"))
        #expect(second.stdout.contains("database is up to date"))
        // The migrated schema is usable by the ops CLI.
        let list = try await FreezegateCLI.tenant(["list", "--json"], url: url)
        #expect(list.status == 0, "\(list)")
    }

    @Test func anUnreachableDatabaseFailsWithoutHanging() async throws {
        let outcome = try await FreezegateCLI.run(
            ["migrate", "--database-url", try FreezegateCLI.unreachableURL(), "--connect-timeout", "3"],
            timeLimit: 60
        )
        #expect(!outcome.timedOut)
        #expect(outcome.status == 4, "database unavailable")
        #expect(outcome.stderr.contains("cannot connect to the database"))
    }

    /// The group roles of 0010 belong to the cluster: a migrating role without CREATEROLE stops at
    /// 0010 with the statements to run; once an administrator has created them it goes on, and a
    /// second database of the cluster finds them and grants their privileges in its own objects.
    @Test func theGroupRolesAreCreatedOnceOrAskedForWithoutCreateRole() async throws {
        let cluster = try await PostgresTestCluster.create()
        defer { cluster.destroy() }
        let admin = try await PostgresConnection.connect(cluster.connectionString())
        for statement in [
            "CREATE ROLE fg_owner LOGIN", "CREATE DATABASE owned OWNER fg_owner",
            "CREATE DATABASE second OWNER fg_owner",
        ] {
            try await admin.execute(statement)
        }
        let owner = cluster.connectionString(database: "owned", user: "fg_owner")
        let refused = try await FreezegateCLI.run(["migrate", "--database-url", owner])
        #expect(refused.status == 1, "\(refused)")
        #expect(refused.stderr.contains("0010_group_roles.sql failed"), "\(refused.stderr)")
        #expect(refused.stderr.contains("may not create roles"), "\(refused.stderr)")
        #expect(refused.stderr.contains("CREATE ROLE freezegate_gateway NOLOGIN"), "\(refused.stderr)")

        try await admin.execute("CREATE ROLE freezegate_gateway NOLOGIN; CREATE ROLE freezegate_ops NOLOGIN")
        let resumed = try await FreezegateCLI.run(["migrate", "--database-url", owner])
        #expect(resumed.status == 0, "\(resumed)")
        #expect(resumed.stdout.contains("applied 0010_group_roles.sql"), "\(resumed.stdout)")
        let second = try await FreezegateCLI.run([
            "migrate", "--database-url", cluster.connectionString(database: "second", user: "fg_owner"),
        ])
        #expect(second.status == 0, "\(second)")

        // The second database's objects are granted to the shared role.
        let check = try await PostgresConnection.connect(cluster.connectionString(database: "second"))
        let rows = try await check.query(
            "SELECT has_table_privilege('freezegate_gateway', 'freezegate.tenants', 'SELECT')"
                + " AND NOT has_table_privilege('freezegate_gateway', 'freezegate.payments', 'SELECT')"
                + " AND has_function_privilege('freezegate_ops', 'freezegate_private.lock_tenant(text)', 'EXECUTE')"
                + " AND NOT has_function_privilege('public', 'freezegate_private.lock_tenant(text)', 'EXECUTE')"
        )
        #expect(try rows.first?.decode(Bool.self, column: 0) == true)
        await check.close()
        await admin.close()
    }

    @Test func aSuperuserCreatesTheGroupRolesItself() async throws {
        let cluster = try await PostgresTestCluster.create()
        defer { cluster.destroy() }
        let admin = try await PostgresConnection.connect(cluster.connectionString())
        try await admin.execute("CREATE DATABASE first")
        try await admin.execute("CREATE DATABASE second")
        for database in ["first", "second"] {
            let outcome = try await FreezegateCLI.run([
                "migrate", "--database-url", cluster.connectionString(database: database),
            ])
            #expect(outcome.status == 0, "\(database): \(outcome)")
        }
        let rows = try await admin.query(
            "SELECT count(*)::int FROM pg_roles WHERE rolname IN ('freezegate_gateway', 'freezegate_ops') AND NOT rolcanlogin"
        )
        #expect(try rows.first?.decode(Int.self, column: 0) == 2)
        await admin.close()
    }
}
