import Foundation
import MailIntake
import Postgres
import TestSupport
import Testing

/// `freezegate intake mail` run as the mail server runs it: the built binary, a message of the corpus
/// on standard input or in a Maildir, a real PostgreSQL; replies in an outbox Maildir or piped to a
/// sendmail stand-in (a shell script that keeps what it receives).
@Suite("freezegate intake mail", .timeLimit(.minutes(4)))
struct IntakeMailCommandTests {
    private static let authservID = "mx.freezegate.test"

    private static func corpus(_ name: String) -> String {
        BuiltProducts.repository + "/Tests/MailIntakeTests/Corpus/\(name).eml"
    }

    /// A migrated database with tenant acme (owner director@acme-school.example, custom domain
    /// crm.acme-school.example) paid until 1 December 2027.
    private func database() async throws -> String {
        let url = try await TestPostgres.shared.makeMigratedDatabase(prefix: "intake")
        let connection = try await PostgresConnection.connect(url)
        try await connection.query(
            "SELECT freezegate.create_tenant('acme', 'director@acme-school.example', '2027-12-01 00:00+03')"
        )
        try await connection.query("SELECT freezegate.add_domain('acme', 'crm.acme-school.example')")
        await connection.close()
        return url
    }

    /// Runs `freezegate intake mail ARGS < message`.
    private func intake(_ arguments: [String], stdin message: String, url: String) async throws -> ProcessOutcome {
        try await ChildProcess.run(
            ["/bin/sh", "-c", "exec \"$0\" \"$@\" < \"$FG_TEST_MESSAGE\"", BuiltProducts.freezegate, "intake", "mail"]
                + arguments + ["--database-url", url, "--authserv-id", Self.authservID],
            environment: ["FG_TEST_MESSAGE": message, "DATABASE_URL": nil]
        )
    }

    private func freezes(_ url: String) async throws -> [String] {
        let connection = try await PostgresConnection.connect(url)
        let rows = try await connection.query(
            """
            SELECT tenant || ' ' || to_char(starts_at AT TIME ZONE 'Europe/Moscow', 'YYYY-MM-DD') || ' '
                   || to_char(ends_at AT TIME ZONE 'Europe/Moscow', 'YYYY-MM-DD') || ' ' || requested_by
              FROM freezegate.freezes ORDER BY starts_at
            """
        )
        await connection.close()
        return try rows.map { try $0.decode(String.self, column: 0) }
    }

    private func files(_ directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
    }

    /// A reply file, parsed, with its body decoded.
    private func reply(_ path: String) throws -> (headers: MailHeaders, text: String) {
        let raw = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let message = MessageParser.parse(raw)
        return (message.headers, message.text)
    }

    @Test func aVerifiedRequestOnStandardInputFreezesTheTenantAndIsAnsweredOnce() async throws {
        let url = try await database()
        let outbox = try TemporaryDirectory(prefix: "fg-outbox")
        let message = Self.corpus("gmail-multipart-ru")

        let first = try await intake(["--outbox", outbox.path], stdin: message, url: url)
        #expect(first.status == 0, "\(first)")
        #expect(first.stdout.contains("<CAFx8k2+gmail1@mail.gmail.com>  accepted  acme  freeze "), "\(first)")
        #expect(try await freezes(url) == ["acme 2027-06-01 2027-07-01 director@acme-school.example"])

        let replies = files(outbox.path + "/new")
        try #require(replies.count == 1)
        #expect(files(outbox.path + "/tmp").isEmpty)
        let answer = try reply(outbox.path + "/new/" + replies[0])
        #expect(answer.headers.first("To") == "director@acme-school.example")
        #expect(answer.headers.first("From") == "support@freezegate.test")
        #expect(answer.headers.first("In-Reply-To") == "<CAFx8k2+gmail1@mail.gmail.com>")
        #expect(answer.headers.first("Auto-Submitted") == "auto-replied")
        #expect(
            answer.text.contains("Заморозка аккаунта acme оформлена: с 1 июня 2027 по 30 июня 2027"),
            "\(answer.text)"
        )
        #expect(answer.text.contains("Сохранено оплаченных дней: 30. Подписка теперь оплачена по 30 декабря 2027"))

        // Delivered again (an MTA retry): no second freeze, no second answer.
        let again = try await intake(["--outbox", outbox.path], stdin: message, url: url)
        #expect(again.status == 0, "\(again)")
        #expect(again.stdout.contains("replayed"))
        #expect(try await freezes(url).count == 1)
        #expect(files(outbox.path + "/new").count == 1)

        let listed = try await FreezegateCLI.tenant(["requests", "acme", "--json"], url: url)
        #expect(listed.status == 0, "\(listed)")
        let rows = try #require(try FreezegateCLI.json(listed) as? [[String: Any]])
        #expect(rows.count == 1)
        #expect(rows.first?["outcome"] as? String == "accepted")
        #expect(rows.first?["sender"] as? String == "director@acme-school.example")
        #expect(rows.first?["period"] as? String == "2027-06-01..2027-06-30")
        // `--at`, which every tenant subcommand takes, is accepted and changes nothing here.
        let atSomeInstant = try await FreezegateCLI.tenant(
            ["requests", "acme", "--json", "--at", "2027-01-01T00:00:00Z"],
            url: url
        )
        #expect(atSomeInstant.status == 0, "\(atSomeInstant)")
        #expect(atSomeInstant.stdout == listed.stdout)
    }

    @Test func aRefusalIsPipedToSendmailWithTheRuleAndTheNearestRequest() async throws {
        let url = try await database()
        let spool = try TemporaryDirectory(prefix: "fg-sendmail")
        let script = spool.path + "/sendmail"
        try "#!/bin/sh\necho \"$@\" > \"\(spool.path)/arguments\"\ncat > \"\(spool.path)/message\"\n"
            .write(toFile: script, atomically: true, encoding: .utf8)
        chmod(script, 0o755)

        // 1 June to 31 August is 92 days: more than 90 in 2027 (rule 3).
        let outcome = try await intake(
            ["--sendmail", "\(script) -t -i", "--reply-from", "FreezeGate <support@freezegate.test>"],
            stdin: Self.corpus("outlook-html-only-en"),
            url: url
        )
        #expect(outcome.status == 0, "\(outcome)")
        #expect(outcome.stdout.contains("refused  acme  FG003  replied (sendmail)"), "\(outcome)")
        #expect(try await freezes(url).isEmpty)
        // The sender is recorded as written (the domain's case too), and answered so.
        let connection = try await PostgresConnection.connect(url)
        let senders = try await connection.query("SELECT sender FROM freezegate.freeze_requests")
        await connection.close()
        #expect(try senders.map { try $0.decode(String.self, column: 0) } == ["Director@Acme-School.example"])
        #expect(try String(contentsOfFile: spool.path + "/arguments", encoding: .utf8) == "-t -i\n")
        let answer = try reply(spool.path + "/message")
        #expect(answer.headers.first("To") == "Director@Acme-School.example")
        #expect(answer.headers.first("Subject") == "Re: Summer freeze")
        #expect(
            answer.text.contains("cannot be accepted: at most 90 days can be frozen in a calendar year"),
            "\(answer.text)"
        )
        #expect(
            answer.text.contains(
                "At most 90 more days can be frozen in 2027. For example: from 1 June 2027 to 29 August 2027."
            )
        )
    }

    @Test func aMaildirIsHandledMessageByMessageAndOnlyVerifiedRequestsAreAnswered() async throws {
        let url = try await database()
        let maildir = try TemporaryDirectory(prefix: "fg-maildir")
        let outbox = try TemporaryDirectory(prefix: "fg-outbox")
        for sub in ["tmp", "new", "cur"] {
            try FileManager.default.createDirectory(atPath: "\(maildir.path)/\(sub)", withIntermediateDirectories: true)
        }
        let messages = [
            "yandex-cp1251-qp", "forged-authentication-results", "not-the-owner", "auto-submitted", "two-periods",
        ]
        for (index, name) in messages.enumerated() {
            try FileManager.default.copyItem(
                atPath: Self.corpus(name),
                toPath: "\(maildir.path)/new/170000000\(index).\(name)"
            )
        }

        let outcome = try await ChildProcess.run(
            [
                BuiltProducts.freezegate, "intake", "mail", "--maildir", maildir.path, "--outbox", outbox.path,
                "--authserv-id", Self.authservID, "--database-url", url,
            ],
            environment: ["DATABASE_URL": nil]
        )
        #expect(outcome.status == 0, "\(outcome)")
        #expect(files(maildir.path + "/new").isEmpty)
        #expect(files(maildir.path + "/cur").count == messages.count)
        #expect(files(maildir.path + "/cur").allSatisfy { $0.hasSuffix(":2,S") })
        // Yandex (July) and the automatic message (June; judged, never answered) make freezes.
        #expect(
            try await freezes(url) == [
                "acme 2027-06-01 2027-07-01 director@acme-school.example",
                "acme 2027-07-01 2027-08-01 director@acme-school.example",
            ]
        )
        // Answers: the July freeze and the unreadable request with two periods; never the forged or
        // the teacher's message, nor the automatic one.
        let replies = files(outbox.path + "/new")
        #expect(replies.count == 2, "\(outcome)")
        let texts = try replies.map { try reply(outbox.path + "/new/" + $0).text }
        #expect(texts.contains { $0.contains("с 1 июля 2027 по 31 июля 2027 включительно") })
        #expect(texts.contains { $0.contains("не смогли прочитать заявку") })

        let listed = try await FreezegateCLI.tenant(["requests", "--json"], url: url)
        let rows = try #require(try FreezegateCLI.json(listed) as? [[String: Any]])
        let outcomes = Dictionary(
            uniqueKeysWithValues: rows.compactMap { row -> (String, String)? in
                guard let id = row["message_id"] as? String, let outcome = row["outcome"] as? String else { return nil }
                return (id, outcome)
            }
        )
        #expect(outcomes["<forged@attacker.example>"] == "unverified")
        #expect(outcomes["<teacher@acme-school.example>"] == "unverified")
        #expect(outcomes["<two-periods@acme-school.example>"] == "unreadable")
        #expect(outcomes["<ooo@acme-school.example>"] == "accepted")
    }

    /// A subject may carry U+0000 (`=00` in an encoded word, or the byte itself), which PostgreSQL
    /// text cannot hold. Such a request is recorded all the same (the NUL kept as U+FFFD) and the
    /// run goes on: it is no reason to have the mail server retry, nor to hold up the messages
    /// behind it in the Maildir.
    @Test func aSubjectHoldingANULIsRecordedAndTheMessagesBehindItAreHandled() async throws {
        let url = try await database()
        let maildir = try TemporaryDirectory(prefix: "fg-maildir")
        let outbox = try TemporaryDirectory(prefix: "fg-outbox")
        for sub in ["tmp", "new", "cur"] {
            try FileManager.default.createDirectory(atPath: "\(maildir.path)/\(sub)", withIntermediateDirectories: true)
        }
        let encoded =
            "From: x@evil.example\nTo: freeze@support.example\nSubject: =?utf-8?Q?Fr=00eeze?=\n"
            + "Message-ID: <nul-encoded@evil.example>\n\nhello\n"
        let raw =
            "From: y@evil.example\nTo: freeze@support.example\nSubject: Fr\u{0}eeze\n"
            + "Message-ID: <nul-raw@evil.example>\n\nhello\n"
        try encoded.write(toFile: maildir.path + "/new/1700000000.encoded", atomically: true, encoding: .utf8)
        try raw.write(toFile: maildir.path + "/new/1700000001.raw", atomically: true, encoding: .utf8)
        try FileManager.default.copyItem(
            atPath: Self.corpus("gmail-multipart-ru"),
            toPath: maildir.path + "/new/1700000002.gmail"
        )

        let outcome = try await ChildProcess.run(
            [
                BuiltProducts.freezegate, "intake", "mail", "--maildir", maildir.path, "--outbox", outbox.path,
                "--authserv-id", Self.authservID, "--database-url", url,
            ],
            environment: ["DATABASE_URL": nil]
        )
        #expect(outcome.status == 0, "\(outcome)")
        #expect(files(maildir.path + "/new").isEmpty, "\(outcome)")
        #expect(files(maildir.path + "/cur").count == 3)
        #expect(try await freezes(url) == ["acme 2027-06-01 2027-07-01 director@acme-school.example"])

        let connection = try await PostgresConnection.connect(url)
        let rows = try await connection.query(
            "SELECT message_id, outcome, reading->>'subject' FROM freezegate.freeze_requests ORDER BY id"
        )
        await connection.close()
        let recorded = try rows.map {
            [
                try $0.decode(String.self, column: 0), try $0.decode(String.self, column: 1),
                try $0.decode(String.self, column: 2),
            ]
        }
        #expect(recorded.count == 3)
        #expect(recorded.first == ["<nul-encoded@evil.example>", "unverified", "Fr\u{FFFD}eeze"])
        #expect(recorded.dropFirst().first == ["<nul-raw@evil.example>", "unverified", "Fr\u{FFFD}eeze"])
    }

    @Test func watchModeHandlesMessagesAsTheyArrive() async throws {
        let url = try await database()
        let maildir = try TemporaryDirectory(prefix: "fg-maildir")
        let outbox = try TemporaryDirectory(prefix: "fg-outbox")
        let watcher = try BackgroundProcess.start(
            [BuiltProducts.freezegate, "intake", "mail", "--poll-interval", "0.1"],
            environment: [
                "DATABASE_URL": url, "FREEZEGATE_AUTHSERV_ID": Self.authservID, "FREEZEGATE_MAILDIR": maildir.path,
                "FREEZEGATE_WATCH": "true", "FREEZEGATE_OUTBOX": outbox.path,
            ]
        )
        defer { watcher.terminate(grace: 5) }
        // Delivered the Maildir way once the watcher runs (it creates tmp/, new/ and cur/, one after
        // the other: waiting for tmp/ alone let a loaded machine rename into a new/ not made yet).
        let folders = ["/tmp", "/new", "/cur"].map { maildir.path + $0 }
        for _ in 0..<200 where !folders.allSatisfy({ FileManager.default.fileExists(atPath: $0) }) {
            try await Task.sleep(for: .milliseconds(20))
        }
        try FileManager.default.copyItem(atPath: Self.corpus("applemail-en"), toPath: maildir.path + "/tmp/1.apple")
        #expect(rename(maildir.path + "/tmp/1.apple", maildir.path + "/new/1.apple") == 0)

        #expect(try await watcher.waitForOutput("accepted  acme", timeLimit: 30), "\(watcher.stderr)")
        #expect(try await freezes(url) == ["acme 2027-06-01 2027-07-01 director@acme-school.example"])
        #expect(files(outbox.path + "/new").count == 1)
        #expect(files(maildir.path + "/cur") == ["1.apple:2,S"])
        #expect(watcher.poll() == nil, "the watcher keeps running")
    }

    @Test func anUnreachableDatabaseIsATemporaryFailure() async throws {
        let unreachable = try FreezegateCLI.unreachableURL()
        let outcome = try await intake([], stdin: Self.corpus("gmail-multipart-ru"), url: unreachable)
        #expect(outcome.status == 75, "\(outcome)")
        #expect(outcome.stderr.contains("cannot connect to the database"))

        let maildir = try TemporaryDirectory(prefix: "fg-maildir")
        try FileManager.default.createDirectory(atPath: maildir.path + "/new", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Self.corpus("applemail-en"), toPath: maildir.path + "/new/1.apple")
        let pass = try await ChildProcess.run(
            [
                BuiltProducts.freezegate, "intake", "mail", "--maildir", maildir.path, "--authserv-id", Self.authservID,
                "--database-url", unreachable,
            ],
            environment: ["DATABASE_URL": nil]
        )
        #expect(pass.status == 75, "\(pass)")
        #expect(files(maildir.path + "/new") == ["1.apple"], "the message waits for the next pass")
    }

    @Test func theCommandLineIsChecked() async throws {
        let missing = try await FreezegateCLI.run(["intake", "mail", "--database-url", "host=/nonexistent"])
        #expect(missing.status == 64, "\(missing)")
        #expect(missing.stderr.contains("--authserv-id"))
        let both = try await FreezegateCLI.run(
            ["intake", "mail", "--database-url", "x", "--authserv-id", "mx", "--sendmail", "cat", "--outbox", "/tmp/x"]
        )
        #expect(both.status == 64, "\(both)")
        let watchAlone = try await FreezegateCLI.run([
            "intake", "mail", "--database-url", "x", "--authserv-id", "mx", "--watch",
        ])
        #expect(watchAlone.status == 64, "\(watchAlone)")
    }
}
