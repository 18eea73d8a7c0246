import ArgumentParser
import Foundation
import Gate
import Gateway
import Postgres
import TenantModel
import TenantState

/// `freezegate classify`: shows what the gate would do with one request. Without a database, for
/// every tenant state, so that ops can test a profile before deploying it; with one
/// (`--database-url`, `FREEZEGATE_DATABASE_URL` or `DATABASE_URL`), for the tenant as the database has it: its state, until
/// when, and the one decision the gateway would take.
struct ClassifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classify",
        abstract: "Show the tenant, canonical path, class and the gateway's decision for one request.",
        discussion: """
            With a database (--database-url, FREEZEGATE_DATABASE_URL or DATABASE_URL) the tenant is looked up \
            there (its key under a base domain, or the custom domain) and the report shows its real state, \
            until when, and the one decision. Without one, the decision is shown for every tenant state (active, frozen, expired). \
            --page always previews a state.
            """
    )

    @Option(
        name: .customLong("database-url"),
        help:
            "libpq URI or key=value string (default: $FREEZEGATE_DATABASE_URL, else $DATABASE_URL); without any, every state is shown."
    )
    var databaseURL: String?

    @Option(name: .customLong("connect-timeout"), help: "Seconds to wait for the database before giving up.")
    var connectTimeout: Int = 10

    @Option(help: "Routing profile (YAML); the built-in AlfaCRM profile when absent.")
    var config: String?

    @Option(
        name: .customLong("base-domain"),
        help: "Base domain (repeatable); default: the profile's, else s20.online."
    )
    var baseDomains: [String] = []

    @Option(
        help: "The instant to judge at, e.g. 2027-08-01T09:00:00Z or 2027-08-01 (UTC unless it says otherwise)."
    )
    var at: String?

    @Option(help: "Host header for an origin-form URL (an absolute URL carries its own).")
    var host: String?

    @Option(
        help:
            "Instead of the report, print the body of the gateway's response while the tenant is in this state (frozen or expired), e.g. to preview a custom blocked page."
    )
    var page: String?

    @Option(
        name: .customLong("header"),
        help: "A request header for --page, as 'Name: value' (repeatable), e.g. 'Accept-Language: en'."
    )
    var headers: [String] = []

    @Argument(help: "The request method, e.g. GET.")
    var method: String

    @Argument(help: "The request target: an absolute URL (http://acme.s20.online/company/1) or a path.")
    var url: String

    func run() async throws {
        let profile: RouteProfile
        if let config {
            do {
                profile = try RouteProfile.load(contentsOfFile: config)
            } catch {
                FileHandle.standardError.write(Data("error: \(error.description)\n".utf8))
                throw ExitCode.failure
            }
        } else {
            profile = .alfaCRM
        }
        let instant: Date
        if let at {
            guard let parsed = Self.parseInstant(at) else {
                throw ValidationError(
                    "--at must be an ISO 8601 instant such as 2027-08-01T09:00:00Z or a date such as 2027-08-01"
                )
            }
            instant = parsed
        } else {
            instant = Date()
        }
        let domains = self.baseDomains.isEmpty ? (profile.baseDomains ?? ["s20.online"]) : self.baseDomains
        if let page {
            guard ClassifyReport.states.contains(page) else {
                throw ValidationError("--page must be one of \(ClassifyReport.states.joined(separator: ", "))")
            }
            var fields: [(String, String)] = []
            for header in self.headers {
                guard let colon = header.firstIndex(of: ":") else {
                    throw ValidationError("--header must look like 'Name: value'")
                }
                let value = header[header.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                fields.append((String(header[..<colon]), value))
            }
            guard
                let body = ClassifyReport.page(
                    method: self.method,
                    url: self.url,
                    host: self.host,
                    headers: fields,
                    profile: profile,
                    baseDomains: domains,
                    at: instant,
                    state: page
                )
            else {
                FileHandle.standardError.write(
                    Data("error: this request is forwarded while the tenant is \(page)\n".utf8)
                )
                throw ExitCode.failure
            }
            print(body, terminator: "")
            return
        }
        if let url = try? DatabaseURL.resolve(flag: databaseURL) {
            print(try await self.liveReport(url: url, profile: profile, baseDomains: domains, at: instant))
            return
        }
        let report = ClassifyReport.render(
            method: self.method,
            url: self.url,
            host: self.host,
            profile: profile,
            baseDomains: domains,
            at: instant
        )
        print(report)
    }

    /// The report for the tenant the database has for this host: its key under a base domain, or
    /// the owner of the custom domain. Failures are reported like `freezegate tenant`'s (exit 3, 4…).
    private func liveReport(
        url: String,
        profile: RouteProfile,
        baseDomains: [String],
        at instant: Date
    ) async throws
        -> String
    {
        let host = ClassifyReport.host(method: method, url: self.url, host: self.host, baseDomains: baseDomains)
        let options = try TenantConnectionOptions.parse(["--connect-timeout", String(connectTimeout)])
        var records: [TenantRecord] = []
        if let host {
            var connection = options
            connection.databaseURL = url
            try await TenantSession.run(connection) { database in
                var keys: [String] = []
                if let key = ClassifyReport.keyUnderBaseDomain(host: host, baseDomains: baseDomains) {
                    keys.append(key)
                }
                let owners = try await database.query(
                    "SELECT tenant FROM freezegate.domains WHERE domain = $1",
                    [host]
                )
                keys += try owners.map { try $0.decode(String.self, column: 0) }
                records = try await TenantSnapshotQuery.some(keys, on: database, at: instant)
            }
        }
        return ClassifyReport.render(
            method: method,
            url: self.url,
            host: self.host,
            profile: profile,
            baseDomains: baseDomains,
            at: instant,
            snapshot: TenantSnapshot(records: records, loadedAt: instant)
        )
    }

    /// `2027-08-01T09:00:00Z` or with fractional seconds.
    /// `--at`: an ISO 8601 instant, or a date or date and time without an offset, read as UTC — the
    /// forms the `tenant` commands take (`2027-08-01`, `2027-08-01Z`, `2027-08-01T09:00:00`).
    static func parseInstant(_ text: String) -> Date? {
        var text = text
        if text.wholeMatch(of: /\d{4}-\d{2}-\d{2}Z?/) != nil {
            text = text.replacingOccurrences(of: "Z", with: "") + "T00:00:00Z"
        } else if text.wholeMatch(of: /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?/) != nil {
            text += text.count == 16 ? ":00Z" : "Z"
        }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }

}
