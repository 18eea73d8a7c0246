import Foundation
import MailIntake
import Postgres
import Testing

@testable import TestSupport

/// The e-mail intake as an operator deploys it: Debian's Postfix receives a school's request over
/// SMTP and delivers it to `freezegate intake mail` through a pipe transport (as user nobody); the
/// freeze is made, the running gateway enforces it at once, and the reply waits in the outbox. A
/// message from someone who is not the owner is recorded and not answered; a database that cannot
/// be reached makes Postfix keep the message and retry (exit 75).
///
/// A Postfix `header_checks` rule writes the `Authentication-Results` of the operator's server for
/// mail from the school's domain, standing in for the DMARC milter (OpenDMARC, Rspamd) a real
/// server runs. Needs root and the postfix package (`.ci/run` installs it).
@Suite(
    "Postfix delivering to the intake",
    .enabled(if: PostfixInstance.isAvailable || DeployTool.required),
    .timeLimit(.minutes(3))
)
struct PostfixIntakeProcessTests {
    static let authservID = "mx.operator.test"

    /// The database over TCP: the pipe runs as nobody, who cannot enter the cluster's socket
    /// directory.
    static func tcpURL(_ url: String) -> String {
        url.split(separator: " ").map { $0.hasPrefix("host=") ? "host=127.0.0.1" : String($0) }.joined(separator: " ")
    }

    static func day(_ date: Date, in zone: TimeZone) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = zone
        formatter.dateFormat = "dd.MM.yyyy"
        return formatter.string(from: date)
    }

    static func status(_ port: Int, _ path: String) async -> String {
        (try? await BlockingWork.run {
            try CommandRunner.run([
                "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-H", "Host: acme.s20.online",
                "http://127.0.0.1:\(port)\(path)",
            ])
        }) ?? ""
    }

    static func files(_ directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
    }

    static func waitFor(_ what: String, seconds: Double = 30, _ condition: () async throws -> Bool) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw CommandRunner.Failure(command: [what], status: -1, output: "not within \(Int(seconds)) s")
    }

    @Test func aRequestMailedToPostfixFreezesTheTenantTheGatewayBlocksAndIsAnswered() async throws {
        try #require(PostfixInstance.isAvailable, "Postfix (and root) are needed; .ci/run installs postfix")
        let databaseURL = try await TestPostgres.shared.makeMigratedDatabase(prefix: "postfix")
        let setup = try await PostgresConnection.connect(databaseURL)
        try await setup.query(
            "SELECT freezegate.create_tenant('acme', 'director@school.test', now() + interval '200 days')"
        )
        await setup.close()

        // The intake's wrappers (Postfix's argv has no quoting) and the outbox, for user nobody.
        let scripts = try TemporaryDirectory(prefix: "fg-postfix-intake")
        let outbox = try TemporaryDirectory(prefix: "fg-postfix-outbox")
        chmod(scripts.path, 0o755)
        chmod(outbox.path, 0o755)
        for sub in ["tmp", "new", "cur"] {
            try FileManager.default.createDirectory(atPath: outbox.path + "/" + sub, withIntermediateDirectories: true)
        }
        _ = try await BlockingWork.run { try CommandRunner.run(["chown", "-R", "nobody", outbox.path]) }
        func wrapper(_ name: String, databaseURL: String) throws -> String {
            let path = scripts.path + "/" + name
            try """
            #!/bin/sh
            export DATABASE_URL='\(databaseURL)'
            exec '\(BuiltProducts.freezegate)' intake mail --authserv-id \(Self.authservID) --outbox '\(outbox.path)' \
                --reply-from 'Support <freeze@support.test>' --connect-timeout 2
            """.write(toFile: path, atomically: true, encoding: .utf8)
            chmod(path, 0o755)
            return path
        }
        // The intake as an operator's login role, the gateway as the gateway's (least privilege).
        let intake = try wrapper(
            "intake",
            databaseURL: Self.tcpURL(try await TestPostgres.shared.opsURL(for: databaseURL))
        )
        let offline = try wrapper("intake-offline", databaseURL: "host=127.0.0.1 port=\(try FreePort.find()) user=x")

        let postfix = try await PostfixInstance(
            transports: [
                .init(name: "freezegate", command: intake), .init(name: "freezegateoffline", command: offline),
            ],
            routes: ["freeze@support.test": "freezegate", "freeze-offline@support.test": "freezegateoffline"],
            relayDomains: ["support.test"],
            extraMain: ["header_checks = regexp:$config_directory/header_checks"],
            files: [
                "header_checks":
                    "/^From:.*@school\\.test>?[[:space:]]*$/ PREPEND Authentication-Results: \(Self.authservID); dmarc=pass header.from=school.test\n"
            ]
        )
        let (port, adminPort) = (try FreePort.find(), try FreePort.find())
        let gateway = try ServeProcess.start(
            [
                "serve", "--upstream", "http://127.0.0.1:9", "--listen", "127.0.0.1:\(port)",
                "--admin-listen", "127.0.0.1:\(adminPort)", "--threads", "1", "--drain-timeout", "1",
                "--access-log", "off",
            ],
            environment: ["DATABASE_URL": try await TestPostgres.shared.gatewayURL(for: databaseURL)]
        )
        do {
            try await gateway.waitUntil("the gateway is ready") {
                let ready = try? await BlockingWork.run {
                    try CommandRunner.run([
                        "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:\(adminPort)/readyz",
                    ])
                }
                return ready == "200"
            }
            // Not frozen yet: the admin page is forwarded (and the dead upstream makes it a 502).
            #expect(await Self.status(port, "/company/1/dashboard") == "502")

            // From today to 40 days on, in the tenant's days (the default zone, Moscow).
            let moscow = try #require(TimeZone(identifier: "Europe/Moscow"))
            let now = Date()
            let (first, last) = (Self.day(now, in: moscow), Self.day(now.addingTimeInterval(40 * 86_400), in: moscow))
            let messageID = "<\(UUID().uuidString)@school.test>"
            try await postfix.send(
                """
                From: =?UTF-8?B?0JTQuNGA0LXQutGC0L7RgA==?= <director@school.test>\r
                To: freeze@support.test\r
                Subject: =?UTF-8?B?0JfQsNC80L7RgNC+0LfQutCw?=\r
                Message-ID: \(messageID)\r
                MIME-Version: 1.0\r
                Content-Type: text/plain; charset=UTF-8\r
                Content-Transfer-Encoding: 8bit\r
                \r
                Здравствуйте! Прошу заморозить аккаунт acme.s20.online с \(first) по \(last).\r
                """,
                from: "director@school.test",
                to: ["freeze@support.test"]
            )
            try await Self.waitFor("the reply in the outbox") { Self.files(outbox.path + "/new").count == 1 }
            let name = try #require(Self.files(outbox.path + "/new").first)
            let reply = MessageParser.parse(
                [UInt8](try Data(contentsOf: URL(fileURLWithPath: outbox.path + "/new/" + name)))
            )
            #expect(reply.headers.first("To") == "director@school.test")
            #expect(reply.headers.first("In-Reply-To") == messageID)
            #expect(reply.headers.first("Auto-Submitted") == "auto-replied")
            #expect(reply.text.contains("Заморозка аккаунта acme оформлена"), "\(reply.text)")
            #expect(reply.text.contains("по времени Europe/Moscow"), "\(reply.text)")
            // The freeze runs now: the gateway hears of it and blocks the admin page.
            try await Self.waitFor("the gateway blocks the admin page", seconds: 5) {
                await Self.status(port, "/company/1/dashboard") == "403"
            }
            #expect(await Self.status(port, "/company/1/licensing") == "502")

            // Someone else, naming the school: recorded as unverified, never answered.
            try await postfix.send(
                """
                From: someone@elsewhere.test\r
                To: freeze@support.test\r
                Subject: freeze acme\r
                Message-ID: <forged-\(UUID().uuidString)@elsewhere.test>\r
                Authentication-Results: \(Self.authservID); dmarc=pass header.from=school.test\r
                \r
                Please freeze acme.s20.online from \(first) to \(last).\r
                """,
                from: "someone@elsewhere.test",
                to: ["freeze@support.test"]
            )
            // Postfix logs the intake's line for each message it delivered (exit 0).
            try await Self.waitFor("the second delivery") {
                postfix.log().split(separator: "\n").filter {
                    $0.contains("relay=freezegate,") && $0.contains("status=sent")
                }.count == 2
            }
            #expect(postfix.log().contains("elsewhere.test>  unverified  -  -  no reply"), "\(postfix.log())")
            let check = try await PostgresConnection.connect(databaseURL)
            let outcomes = try await check.query(
                "SELECT outcome FROM freezegate.freeze_requests ORDER BY id"
            ).map { try $0.decode(String.self, column: 0) }
            await check.close()
            #expect(outcomes == ["accepted", "unverified"])
            #expect(Self.files(outbox.path + "/new").count == 1)

            // The database cannot be reached: exit 75, and Postfix keeps the message to retry.
            try await postfix.send(
                "From: director@school.test\r\nTo: freeze-offline@support.test\r\nSubject: x\r\n\r\nacme\r\n",
                from: "director@school.test",
                to: ["freeze-offline@support.test"]
            )
            try await Self.waitFor("Postfix defers the message") {
                postfix.log().contains("relay=freezegateoffline") && postfix.log().contains("status=deferred")
            }
            #expect(!postfix.log().contains("status=bounced"), "\(postfix.log())")
        } catch {
            Issue.record("Postfix's log:\n\(postfix.log())")
            gateway.send(SIGKILL)
            _ = try? await gateway.waitForExit()
            await postfix.stop()
            throw error
        }
        gateway.send(SIGTERM)
        _ = try await gateway.waitForExit()
        gateway.removeOutputFiles()
        await postfix.stop()
    }
}
