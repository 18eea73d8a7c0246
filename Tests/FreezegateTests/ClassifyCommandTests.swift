import Foundation
import TestSupport
import Testing

@testable import FreezeGateCLI

/// `freezegate classify` run as a subprocess: with a database it shows the tenant's real state,
/// until when, and the one decision; without one, the decision for every state.
@Suite("freezegate classify", .timeLimit(.minutes(4)))
struct ClassifyCommandTests {
    private static let newYear = "2027-01-01T00:00:00Z"
    private static let march = "2027-03-01T00:00:00Z"

    /// acme active with a custom domain, school frozen until the end of August, oldschool expired.
    private func database() async throws -> String {
        let url = try await TestPostgres.shared.makeMigratedDatabase(prefix: "classify")
        let commands: [[String]] = [
            ["create", "acme", "--owner-email", "director@acme.example", "--paid-until", "2027-09-01Z"],
            ["add-domain", "acme", "crm.acme-school.example"],
            ["create", "school", "--owner-email", "director@school.example", "--paid-until", "2027-06-01Z"],
            ["freeze", "school", "--force", "--reason", "summer", "--from", "2027-01-01Z", "--until", "2027-08-31Z"],
            ["create", "oldschool", "--owner-email", "director@oldschool.example", "--paid-until", "2026-11-01Z"],
        ]
        for command in commands {
            let outcome = try await FreezegateCLI.tenant(command + ["--at", Self.newYear], url: url)
            #expect(outcome.status == 0, "\(outcome)")
        }
        return url
    }

    private func classify(_ arguments: [String], url: String?) async throws -> ProcessOutcome {
        try await FreezegateCLI.run(
            ["classify", "--at", Self.march] + arguments + (url.map { ["--database-url", $0] } ?? [])
        )
    }

    @Test func aFrozenTenantShowsItsRealStateUntilDateAndDecision() async throws {
        let url = try await database()
        let frozen = try await classify(["GET", "http://school.s20.online/company/1/dashboard"], url: url)
        #expect(frozen.status == 0, "\(frozen)")
        #expect(frozen.stdout.contains("tenant:      school\n"))
        #expect(
            frozen.stdout.contains(
                "state:       frozen from 2027-01-01T00:00:00Z until 2027-08-31T00:00:00Z (ends in 183 days)\n"
            )
        )
        #expect(frozen.stdout.contains("decision:    block 403"), "\(frozen.stdout)")
        #expect(frozen.stdout.contains("2027-08-31"))
        // One real decision, not one per made-up state.
        #expect(!frozen.stdout.contains("if active:"))
        #expect(!frozen.stdout.contains("if expired:"))

        // DATABASE_URL in the environment counts as "given a database" too.
        let fromEnvironment = try await FreezegateCLI.run(
            ["classify", "--at", Self.march, "GET", "http://school.s20.online/company/1/dashboard"],
            environment: ["DATABASE_URL": url]
        )
        #expect(fromEnvironment.stdout == frozen.stdout, "\(fromEnvironment)")

        let licensing = try await classify(["GET", "http://school.s20.online/company/1/licensing"], url: url)
        #expect(licensing.stdout.contains("decision:    forward"), "\(licensing.stdout)")
    }

    @Test func aCustomDomainIsLookedUpInTheDatabase() async throws {
        let url = try await database()
        let outcome = try await classify(
            ["GET", "/company/1/dashboard", "--host", "crm.acme-school.example"],
            url: url
        )
        #expect(outcome.status == 0, "\(outcome)")
        #expect(outcome.stdout.contains("tenant:      acme (custom domain crm.acme-school.example)\n"))
        #expect(outcome.stdout.contains("state:       active, paid until 2027-09-01T00:00:00Z (ends in 184 days)\n"))
        #expect(outcome.stdout.contains("decision:    forward"))

        let expired = try await classify(["GET", "http://oldschool.s20.online/teacher/1/journal"], url: url)
        #expect(expired.stdout.contains("state:       expired, paid until 2026-11-01T00:00:00Z\n"))
        #expect(expired.stdout.contains("decision:    block 403"), "\(expired.stdout)")
    }

    @Test func anUnknownTenantIsSaidToBeUnknown() async throws {
        let url = try await database()
        let outcome = try await classify(["GET", "http://nobody.s20.online/company/1/dashboard"], url: url)
        #expect(outcome.status == 0, "\(outcome)")
        #expect(outcome.stdout.contains("tenant:      none: no tenant 'nobody' in the database\n"))
        #expect(!outcome.stdout.contains("state:"))
    }

    @Test func withoutADatabaseEveryStateIsShown() async throws {
        let outcome = try await classify(["GET", "http://school.s20.online/company/1/dashboard"], url: nil)
        #expect(outcome.status == 0, "\(outcome)")
        #expect(outcome.stdout.contains("if active:"))
        #expect(outcome.stdout.contains("if frozen:"))
        #expect(outcome.stdout.contains("if expired:"))
    }

    /// `--at` takes the forms the `tenant` commands take, UTC unless the text says otherwise.
    @Test func atTakesTheTenantCommandsForms() throws {
        let midnight = try #require(ClassifyCommand.parseInstant("2027-08-01T00:00:00Z"))
        #expect(ClassifyCommand.parseInstant("2027-08-01") == midnight)
        #expect(ClassifyCommand.parseInstant("2027-08-01Z") == midnight)
        #expect(ClassifyCommand.parseInstant("2027-08-01T00:00") == midnight)
        #expect(ClassifyCommand.parseInstant("2027-08-01T03:00:00+03:00") == midnight)
        let nine = try #require(ClassifyCommand.parseInstant("2027-08-01T09:00:00Z"))
        #expect(abs(nine.timeIntervalSince(midnight) - 9 * 3600) < 0.001)
        #expect(ClassifyCommand.parseInstant("2027-08-01T09:00:00") == nine)
        #expect(ClassifyCommand.parseInstant("2027-08-01T09:00") == nine)
        #expect(ClassifyCommand.parseInstant("2027-08-01T09:00:00.5Z") != nil)
        #expect(ClassifyCommand.parseInstant("01.08.2027") == nil)
        #expect(ClassifyCommand.parseInstant("2027-13-01") == nil)
    }

    @Test func anUnreachableDatabaseExitsFour() async throws {
        let outcome = try await classify(
            ["GET", "http://school.s20.online/", "--connect-timeout", "3"],
            url: try FreezegateCLI.unreachableURL()
        )
        #expect(outcome.status == 4, "\(outcome)")
        #expect(outcome.stderr.hasPrefix("error: cannot connect to the database"))
    }
}
