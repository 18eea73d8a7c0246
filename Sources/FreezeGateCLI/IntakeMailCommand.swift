import ArgumentParser
import Foundation
import Gateway

/// `freezegate intake mail`: freeze requests by e-mail. One message on standard input (a mail
/// server's pipe transport), or the new messages of a Maildir, once or watching it.
///
/// Exit codes are the ones mail servers understand: 0 when every message was handled, whatever its
/// outcome; 75 (EX_TEMPFAIL) when the database cannot be reached, so that the message is retried.
struct IntakeMailCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mail",
        abstract: "Handle freeze requests by e-mail: verify the sender, apply the freeze rules, answer.",
        discussion: """
            Reads one RFC 5322 message on standard input, or with --maildir the messages in DIR/new (each is \
            moved to DIR/cur when handled; --watch keeps polling). A request counts only when an \
            Authentication-Results field written by the server --authserv-id says dmarc=pass (or an aligned \
            dkim=pass) and From is the tenant's owner e-mail. Every message is recorded once per Message-ID \
            (freezegate tenant requests). Replies go to --sendmail or into the Maildir --outbox; unverified \
            messages are never answered. Exit codes: 0 handled (whatever the outcome); 75 the database cannot \
            be reached (the mail server retries); 64 bad command line.
            """
    )

    @Option(
        name: .customLong("database-url"),
        help: "libpq URI or key=value string (default: $FREEZEGATE_DATABASE_URL, else $DATABASE_URL)."
    )
    var databaseURL: String?

    @Option(
        name: .customLong("authserv-id"),
        help: "The authserv-id your mail server writes in Authentication-Results (env FREEZEGATE_AUTHSERV_ID)."
    )
    var authservID: String?

    @Option(
        help: ArgumentHelp(
            "Pipe each reply to this command, like \"/usr/sbin/sendmail -t -i\" (env FREEZEGATE_SENDMAIL).",
            valueName: "command"
        )
    )
    var sendmail: String?

    @Option(
        help: ArgumentHelp("Write each reply as a file into this Maildir (env FREEZEGATE_OUTBOX).", valueName: "dir")
    )
    var outbox: String?

    @Option(
        help: ArgumentHelp(
            "Handle the messages of DIR/new instead of standard input (env FREEZEGATE_MAILDIR).",
            valueName: "dir"
        )
    )
    var maildir: String?

    @Flag(help: "With --maildir: keep handling new messages until stopped (env FREEZEGATE_WATCH=true).")
    var watch = false

    @Option(
        name: .customLong("poll-interval"),
        help: "Seconds between looks at DIR/new with --watch (env FREEZEGATE_POLL_INTERVAL; default 2)."
    )
    var pollInterval: Double?

    @Option(
        name: .customLong("reply-from"),
        help: "From of the replies (env FREEZEGATE_REPLY_FROM; default: the address the request was sent to)."
    )
    var replyFrom: String?

    @Option(
        name: .customLong("base-domain"),
        help:
            "Tenant base domain, so that school.BASE names tenant school (repeatable; env FREEZEGATE_BASE_DOMAIN, comma-separated; default s20.online)."
    )
    var baseDomains: [String] = []

    @Option(
        name: .customLong("time-zone"),
        help: ArgumentHelp(
            "Zone of the days a request names, for tenants without their own; the gateway profile's time_zone (env FREEZEGATE_TIME_ZONE; default Europe/Moscow).",
            valueName: "zone"
        )
    )
    var timeZone: String?

    @Option(name: .customLong("connect-timeout"), help: "Seconds to wait for the database before giving up.")
    var connectTimeout: Int = 10

    func run() async throws {
        let settings = try IntakeMailSettings.resolve(self)
        let intake = MailIntakeRun(settings: settings)
        let code: Int32
        if let maildir = settings.maildir {
            code = await intake.processMaildir(maildir)
        } else {
            let raw = FileHandle.standardInput.readDataToEndOfFile()
            code = await intake.processOne([UInt8](raw))
        }
        if code != 0 { throw ExitCode(code) }
    }
}
