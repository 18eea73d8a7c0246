import ArgumentParser
import Testing

@testable import FreezeGateCLI

/// Every flag of `freezegate intake mail` also as a `FREEZEGATE_…` variable; flags win.
@Suite struct IntakeMailSettingsTests {
    func settings(_ arguments: [String], environment: [String: String] = [:]) throws -> IntakeMailSettings {
        try IntakeMailSettings.resolve(IntakeMailCommand.parse(arguments), environment: environment)
    }

    @Test func everySettingComesFromTheEnvironmentWhenNoFlagIsGiven() throws {
        let resolved = try settings(
            [],
            environment: [
                "DATABASE_URL": "postgresql://intake@db/crm", "FREEZEGATE_AUTHSERV_ID": "mx.example.com",
                "FREEZEGATE_SENDMAIL": "/usr/sbin/sendmail -t -i", "FREEZEGATE_MAILDIR": "/var/mail/fg",
                "FREEZEGATE_WATCH": "true", "FREEZEGATE_POLL_INTERVAL": "0.5",
                "FREEZEGATE_REPLY_FROM": "Support <freeze@example.com>",
                "FREEZEGATE_BASE_DOMAINS": "s20.online, CRM.example", "FREEZEGATE_TIME_ZONE": "Asia/Yekaterinburg",
            ]
        )
        #expect(
            resolved
                == IntakeMailSettings(
                    databaseURL: "postgresql://intake@db/crm",
                    authservID: "mx.example.com",
                    replyRoute: .sendmail(command: "/usr/sbin/sendmail -t -i"),
                    maildir: "/var/mail/fg",
                    watch: true,
                    pollInterval: 0.5,
                    replyFrom: "Support <freeze@example.com>",
                    baseDomains: ["s20.online", "crm.example"],
                    connectTimeout: 10,
                    timeZone: "Asia/Yekaterinburg"
                )
        )
    }

    @Test func flagsWinOverTheEnvironment() throws {
        let resolved = try settings(
            [
                "--database-url", "flag-url", "--authserv-id", "mx.flag", "--outbox", "/srv/outbox", "--base-domain",
                "school.example",
            ],
            environment: [
                "DATABASE_URL": "env-url", "FREEZEGATE_AUTHSERV_ID": "mx.env", "FREEZEGATE_OUTBOX": "/env/outbox",
                "FREEZEGATE_BASE_DOMAINS": "env.example",
            ]
        )
        #expect(resolved.databaseURL == "flag-url")
        #expect(resolved.authservID == "mx.flag")
        #expect(resolved.replyRoute == .outbox(directory: "/srv/outbox"))
        #expect(resolved.baseDomains == ["school.example"])
        #expect(resolved.maildir == nil)
        #expect(!resolved.watch)
        #expect(resolved.pollInterval == 2)
    }

    @Test func withoutARouteRepliesAreNotSent() throws {
        let resolved = try settings(["--database-url", "x", "--authserv-id", "mx"])
        #expect(resolved.replyRoute == .none)
        #expect(resolved.baseDomains == ["s20.online"])
        // The gateway profile's default zone, so that both read a school's days alike.
        #expect(resolved.timeZone == "Europe/Moscow")
    }

    @Test func contradictionsAndNonsenseAreRefused() {
        let base = ["--database-url", "x", "--authserv-id", "mx"]
        #expect(throws: ValidationError.self) { try settings(["--database-url", "x"]) }
        #expect(throws: ValidationError.self) {
            try settings(base + ["--sendmail", "cat"], environment: ["FREEZEGATE_OUTBOX": "/tmp/o"])
        }
        #expect(throws: ValidationError.self) {
            try settings(base, environment: ["FREEZEGATE_MAILDIR": "/m", "FREEZEGATE_WATCH": "maybe"])
        }
        #expect(throws: ValidationError.self) { try settings(base, environment: ["FREEZEGATE_WATCH": "1"]) }
        #expect(throws: ValidationError.self) {
            try settings(base + ["--maildir", "/m"], environment: ["FREEZEGATE_POLL_INTERVAL": "soon"])
        }
        #expect(throws: ValidationError.self) { try settings(base + ["--poll-interval", "0"]) }
        #expect(throws: ValidationError.self) { try settings(base + ["--time-zone", "Mars/Olympus"]) }
        #expect(throws: ValidationError.self) { try settings(base, environment: ["FREEZEGATE_TIME_ZONE": "MSK"]) }
    }

    /// `--base-domain`'s variable as `serve` reads it: named after the flag, the older plural name
    /// read as well, the two not disagreeing.
    @Test func theBaseDomainVariableFollowsTheFlagAndKeepsItsOlderName() throws {
        let base = ["--database-url", "x", "--authserv-id", "mx"]
        #expect(
            try settings(base, environment: ["FREEZEGATE_BASE_DOMAIN": "s20.online, CRM.example"]).baseDomains
                == ["s20.online", "crm.example"]
        )
        #expect(
            try settings(base, environment: ["FREEZEGATE_BASE_DOMAINS": "old.example"]).baseDomains == ["old.example"]
        )
        #expect(
            try settings(
                base,
                environment: ["FREEZEGATE_BASE_DOMAIN": "a.example", "FREEZEGATE_BASE_DOMAINS": "A.example"]
            )
            .baseDomains == ["a.example"]
        )
        let error = #expect(throws: ValidationError.self) {
            try settings(
                base,
                environment: ["FREEZEGATE_BASE_DOMAIN": "a.example", "FREEZEGATE_BASE_DOMAINS": "b.example"]
            )
        }
        #expect(error?.message.hasPrefix("FREEZEGATE_BASE_DOMAIN and FREEZEGATE_BASE_DOMAINS are both set") == true)
        #expect(
            try settings(
                base + ["--base-domain", "flag.example"],
                environment: ["FREEZEGATE_BASE_DOMAIN": "a.example", "FREEZEGATE_BASE_DOMAINS": "b.example"]
            ).baseDomains == ["flag.example"]
        )
    }
}
