import ArgumentParser
import Foundation
import Gateway

/// The settings of `freezegate intake mail`, each from its flag, else its `FREEZEGATE_…` environment
/// variable (the database from `--database-url`, else `FREEZEGATE_DATABASE_URL`, else
/// `DATABASE_URL`), else its default.
struct IntakeMailSettings: Equatable {
    /// Where replies go.
    enum ReplyRoute: Equatable {
        case sendmail(command: String)
        case outbox(directory: String)
        case none
    }

    var databaseURL: String
    var authservID: String
    var replyRoute: ReplyRoute
    var maildir: String?
    var watch: Bool
    var pollInterval: Double
    var replyFrom: String?
    var baseDomains: [String]
    var connectTimeout: Int
    /// The zone of the days a request names, for tenants without their own (`set_time_zone`): the
    /// gateway profile's `time_zone`.
    var timeZone: String

    static func resolve(
        _ command: IntakeMailCommand,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> IntakeMailSettings {
        func fromEnvironment(_ name: String) -> String? {
            guard let value = environment[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else {
                return nil
            }
            return value
        }
        let databaseURL = try DatabaseURL.resolve(flag: command.databaseURL, environment: environment)
        guard let authservID = command.authservID ?? fromEnvironment("FREEZEGATE_AUTHSERV_ID") else {
            throw ValidationError("missing --authserv-id (and FREEZEGATE_AUTHSERV_ID is not set)")
        }
        let sendmail = command.sendmail ?? fromEnvironment("FREEZEGATE_SENDMAIL")
        let outbox = command.outbox ?? fromEnvironment("FREEZEGATE_OUTBOX")
        let route: ReplyRoute
        switch (sendmail, outbox) {
        case (.some, .some): throw ValidationError("--sendmail and --outbox exclude each other: replies go one way")
        case (.some(let command), nil): route = .sendmail(command: command)
        case (nil, .some(let directory)): route = .outbox(directory: directory)
        case (nil, nil): route = .none
        }
        let maildir = command.maildir ?? fromEnvironment("FREEZEGATE_MAILDIR")
        let watch = try command.watch || Self.flag(fromEnvironment("FREEZEGATE_WATCH"), name: "FREEZEGATE_WATCH")
        if watch, maildir == nil { throw ValidationError("--watch needs --maildir") }
        var pollInterval = command.pollInterval
        if pollInterval == nil, let text = fromEnvironment("FREEZEGATE_POLL_INTERVAL") {
            guard let seconds = Double(text) else {
                throw ValidationError("FREEZEGATE_POLL_INTERVAL must be a number of seconds, not \(text)")
            }
            pollInterval = seconds
        }
        let interval = pollInterval ?? 2
        guard interval > 0, interval <= 3600 else {
            throw ValidationError("--poll-interval must be in (0, 3600] seconds")
        }
        // FREEZEGATE_BASE_DOMAIN, or its older name FREEZEGATE_BASE_DOMAINS (as `serve` reads them).
        let baseDomains =
            !command.baseDomains.isEmpty
            ? command.baseDomains
            : (try EnvironmentAlias.lookup("FREEZEGATE_BASE_DOMAIN") { name in
                fromEnvironment(name)?.split(separator: ",").map {
                    $0.trimmingCharacters(in: .whitespaces).lowercased()
                }
            }?.values ?? ServeDefaults.baseDomains)
        let timeZone = command.timeZone ?? fromEnvironment("FREEZEGATE_TIME_ZONE") ?? Self.defaultTimeZone
        guard TimeZone(identifier: timeZone) != nil, timeZone.contains("/") || timeZone == "UTC" else {
            throw ValidationError("--time-zone \(timeZone) is not an IANA time zone such as Europe/Moscow")
        }
        return IntakeMailSettings(
            databaseURL: databaseURL,
            authservID: authservID,
            replyRoute: route,
            maildir: maildir,
            watch: watch,
            pollInterval: interval,
            replyFrom: command.replyFrom ?? fromEnvironment("FREEZEGATE_REPLY_FROM"),
            baseDomains: baseDomains.filter { !$0.isEmpty },
            connectTimeout: max(1, command.connectTimeout),
            timeZone: timeZone
        )
    }

    /// The gateway profile's default `time_zone`, so that both read a school's days alike.
    static let defaultTimeZone = "Europe/Moscow"

    private static func flag(_ text: String?, name: String) throws -> Bool {
        guard let text else { return false }
        switch text.lowercased() {
        case "1", "true", "yes", "on": return true
        case "0", "false", "no", "off": return false
        default: throw ValidationError("\(name) must be true or false, not \(text)")
        }
    }
}
