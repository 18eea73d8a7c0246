import Foundation
import Postgres
import TestSupport
import Testing

/// `tenant list` tells a person watching a terminal how many tenants a long listing has, on stderr,
/// and keeps quiet for scripts.
@Suite("freezegate tenant list progress", .timeLimit(.minutes(3)))
struct TenantListProgressTests {
    static let script = ["/usr/bin/script", "/bin/script"].first { FileManager.default.isExecutableFile(atPath: $0) }

    private func databaseWithManyTenants(_ count: Int) async throws -> String {
        let url = try await TestPostgres.shared.makeMigratedDatabase(prefix: "cliprogress")
        let connection = try await PostgresConnection.connect(url)
        try await connection.query(
            "SELECT freezegate.create_tenant('t' || i, 'owner@t' || i || '.example', '2030-01-01Z') FROM generate_series(1, $1::int) AS i",
            [count]
        )
        await connection.close()
        return url
    }

    @Test(.enabled(if: script != nil, "script(1) (bsdutils) is not installed: no terminal to test with"))
    func aLongListingCountsOnATerminal() async throws {
        let script = try #require(Self.script)
        let url = try await databaseWithManyTenants(1001)
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("fg-list-\(UUID().uuidString).json")
            .path
        defer { try? FileManager.default.removeItem(atPath: output) }
        // script(1) gives the command a terminal; stdout goes to a file, so the terminal shows stderr only.
        let command = "'\(BuiltProducts.freezegate)' tenant list --json --database-url '\(url)' > '\(output)'"
        let terminal = try await ChildProcess.run(
            [script, "-qec", command, "/dev/null"],
            environment: ["DATABASE_URL": nil]
        )
        #expect(terminal.status == 0, "\(terminal)")
        #expect(terminal.stdout.contains("1001 tenants"))
        let rows = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: output))) as? [Any]
        #expect(rows?.count == 1001)
    }

    @Test func scriptsGetNoProgressLine() async throws {
        let url = try await databaseWithManyTenants(1001)
        let piped = try await FreezegateCLI.tenant(["list", "--json"], url: url)
        #expect(piped.status == 0)
        #expect(piped.stderr.isEmpty)
    }
}
