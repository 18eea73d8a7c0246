import Foundation
import Migrator
import Postgres

/// The PostgreSQL cluster shared by a test run, started on first use, and fresh databases in it.
///
/// Suites that need isolation ask for their own database; `makeMigratedDatabase()` copies a template
/// that has every migration of `sql/` applied, which is much faster than migrating each time.
public actor TestPostgres {
    public static let shared = TestPostgres()

    private var startedCluster: Task<PostgresTestCluster, any Error>?
    private var migratedTemplate: Task<String, any Error>?
    private var counter = 0

    /// The shared cluster, started on first call.
    public func cluster() async throws -> PostgresTestCluster {
        // The task is stored before the first await, so concurrent callers share one start-up.
        if let startedCluster { return try await startedCluster.value }
        let starting = Task.detached {
            let cluster = try await PostgresTestCluster.create()
            let admin = try await PostgresConnection.connect(cluster.connectionString())
            try await admin.execute(
                "CREATE ROLE \(PostgresTestCluster.passwordRole) LOGIN PASSWORD '\(PostgresTestCluster.passwordRolePassword)'"
            )
            await admin.close()
            return cluster
        }
        startedCluster = starting
        return try await starting.value
    }

    /// An empty database; returns its connection string.
    public func makeDatabase(prefix: String = "test") async throws -> String {
        try await createDatabase(prefix: prefix, template: nil)
    }

    /// A database with every migration of the repository's `sql/` applied.
    public func makeMigratedDatabase(prefix: String = "test") async throws -> String {
        if migratedTemplate == nil {
            migratedTemplate = Task.detached {
                let cluster = try await TestPostgres.shared.cluster()
                let name = "freezegate_template"
                let admin = try await PostgresConnection.connect(cluster.connectionString())
                try await admin.execute("CREATE DATABASE \(name)")
                await admin.close()
                let connection = try await PostgresConnection.connect(cluster.connectionString(database: name))
                do {
                    _ = try await Migrator(connection: connection)
                        .migrate(try MigrationDirectory.load(Self.repositorySQLDirectory))
                } catch {
                    await connection.close()
                    throw error
                }
                await connection.close()
                return name
            }
        }
        let template = try await migratedTemplate?.value
        return try await createDatabase(prefix: prefix, template: template)
    }

    /// The login role the gateway's tests connect as: a member of the group role `freezegate_gateway`
    /// (sql/0010) and nothing else, as the gateway runs in production.
    public static let gatewayLoginRole = "fg_gateway_login"
    public static let opsLoginRole = "fg_ops_login"

    private var createdLoginRoles: [String: Task<Void, any Error>] = [:]

    /// A database made by `makeMigratedDatabase()`, as the gateway's login role.
    public func gatewayURL(for ownerURL: String) async throws -> String {
        try await loginURL(for: ownerURL, role: Self.gatewayLoginRole, group: "freezegate_gateway")
    }

    /// A database made by `makeMigratedDatabase()`, as an operator's login role (the CLI, the
    /// e-mail intake).
    public func opsURL(for ownerURL: String) async throws -> String {
        try await loginURL(for: ownerURL, role: Self.opsLoginRole, group: "freezegate_ops")
    }

    private func loginURL(for ownerURL: String, role: String, group: String) async throws -> String {
        let cluster = try await cluster()
        _ = try await migratedTemplate?.value  // the group role exists once a database is migrated
        if createdLoginRoles[role] == nil {
            createdLoginRoles[role] = Task.detached {
                let admin = try await PostgresConnection.connect(cluster.connectionString())
                do {
                    try await admin.execute(
                        "CREATE ROLE \(role) LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE IN ROLE \(group)"
                    )
                } catch {
                    await admin.close()
                    throw error
                }
                await admin.close()
            }
        }
        try await createdLoginRoles[role]?.value
        let database = ownerURL.split(separator: " ").first { $0.hasPrefix("dbname=") }?.dropFirst("dbname=".count)
        return cluster.connectionString(database: database.map(String.init) ?? "postgres", user: role)
    }

    /// `sql/` of the checkout these tests were built from.
    public static var repositorySQLDirectory: String {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()  // TestSupport
            .deletingLastPathComponent()  // Sources
            .deletingLastPathComponent()  // repository
            .appendingPathComponent("sql").path
    }

    private func createDatabase(prefix: String, template: String?) async throws -> String {
        let cluster = try await cluster()
        counter += 1
        let name = "\(prefix)_\(counter)_\(UInt32.random(in: 0...UInt32.max))".lowercased()
            .map { $0.isLetter || $0.isNumber ? $0 : "_" }
        let database = String(name)
        let admin = try await PostgresConnection.connect(cluster.connectionString())
        let templateClause = template.map { " TEMPLATE \($0)" } ?? ""
        try await admin.execute("CREATE DATABASE \(database)\(templateClause)")
        await admin.close()
        return cluster.connectionString(database: database)
    }
}
