import Foundation
import Postgres
import Testing

@testable import TestSupport

/// `freezegate_mail_requests` of the real gateway counts the e-mail requests recorded in its
/// database, by outcome and refusing SQLSTATE, whichever process recorded them.
@Suite("Mail request metrics")
struct MailRequestMetricsProcessTests {
    private static func value(_ series: String, in text: String) -> Double? {
        text.split(separator: "\n").first { $0.hasPrefix(series + " ") }
            .flatMap { Double($0.dropFirst(series.count + 1)) }
    }

    @Test func theGatewayExportsTheRecordedRequestsByOutcome() async throws {
        let databaseURL = try await TestPostgres.shared.makeMigratedDatabase(prefix: "mailmetrics")
        let connection = try await PostgresConnection.connect(databaseURL)
        // Rows as the intake writes them; two refusals by rule 3, one by rule 2, an accepted request
        // needs no freeze row for the count (freeze_id may be NULL after the freeze is deleted).
        for (index, row) in [
            ("accepted", "NULL"), ("refused", "'FG003'"), ("refused", "'FG003'"), ("refused", "'FG002'"),
            ("unverified", "NULL"), ("unverified", "NULL"), ("unverified", "NULL"),
        ].enumerated() {
            try await connection.query(
                """
                INSERT INTO freezegate.freeze_requests (message_id, sender, outcome, sqlstate, handled_by)
                VALUES ('<m\(index)@school.example>', 'director@school.example', '\(row.0)', \(row.1), 'test')
                """
            )
        }
        await connection.close()

        let (port, adminPort) = (try FreePort.find(), try FreePort.find())
        let process = try ServeProcess.start(
            [
                "serve", "--upstream", "http://127.0.0.1:9", "--listen", "127.0.0.1:\(port)",
                "--admin-listen", "127.0.0.1:\(adminPort)", "--threads", "1", "--drain-timeout", "1",
                "--access-log", "off",
            ],
            environment: ["DATABASE_URL": databaseURL]
        )
        let scrape: @Sendable () async throws -> String = {
            try await BlockingWork.run {
                try CommandRunner.run(["curl", "-s", "http://127.0.0.1:\(adminPort)/metrics"])
            }
        }
        do {
            try await process.waitUntil("the refusals are exported") {
                let text = (try? await scrape()) ?? ""
                return Self.value(#"freezegate_mail_requests{outcome="refused",sqlstate="FG003"}"#, in: text) != nil
            }
            let text = try await scrape()
            #expect(Self.value(#"freezegate_mail_requests{outcome="accepted",sqlstate=""}"#, in: text) == 1, "\(text)")
            #expect(Self.value(#"freezegate_mail_requests{outcome="refused",sqlstate="FG003"}"#, in: text) == 2)
            #expect(Self.value(#"freezegate_mail_requests{outcome="refused",sqlstate="FG002"}"#, in: text) == 1)
            #expect(Self.value(#"freezegate_mail_requests{outcome="unverified",sqlstate=""}"#, in: text) == 3)
            #expect(Self.value(#"freezegate_mail_requests{outcome="unreadable",sqlstate=""}"#, in: text) == 0)
        } catch {
            process.send(SIGKILL)
            _ = try? await process.waitForExit()
            throw error
        }
        process.send(SIGTERM)
        let outcome = try await process.waitForExit()
        #expect(outcome.status == 0, "\(outcome.stderr)")
        process.removeOutputFiles()
    }
}
