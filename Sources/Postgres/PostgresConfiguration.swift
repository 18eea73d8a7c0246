import CLibPQ

/// How to reach PostgreSQL: anything libpq accepts, plus the defaults FreezeGate adds.
///
/// The defaults are passed to libpq *before* the caller's connection string, so any value the caller
/// spells out (e.g. `connect_timeout=3` or `application_name=ops`) wins over them.
public struct PostgresConfiguration: Sendable, Hashable {
    /// A libpq URI (`postgresql://user@/db?host=/run/pg`) or a `key=value` connection string.
    public var connectionString: String
    /// Reported in `pg_stat_activity` and the audit log unless the connection string names one.
    public var applicationName: String
    /// Seconds; bounds how long an unreachable server can hold up a connect.
    public var connectTimeoutSeconds: Int
    /// TCP keepalives so that a half-open connection is noticed in seconds, not hours.
    public var keepalivesIdleSeconds: Int
    public var keepalivesIntervalSeconds: Int
    public var keepalivesCount: Int

    public init(
        connectionString: String,
        applicationName: String = "freezegate",
        connectTimeoutSeconds: Int = 10,
        keepalivesIdleSeconds: Int = 10,
        keepalivesIntervalSeconds: Int = 5,
        keepalivesCount: Int = 3
    ) {
        self.connectionString = connectionString
        self.applicationName = applicationName
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.keepalivesIdleSeconds = keepalivesIdleSeconds
        self.keepalivesIntervalSeconds = keepalivesIntervalSeconds
        self.keepalivesCount = keepalivesCount
    }

    /// libpq keywords and values, defaults first, the caller's string last (expanded by libpq).
    var libpqParameters: [(String, String)] {
        [
            ("fallback_application_name", applicationName),
            ("connect_timeout", String(connectTimeoutSeconds)),
            ("keepalives", "1"),
            ("keepalives_idle", String(keepalivesIdleSeconds)),
            ("keepalives_interval", String(keepalivesIntervalSeconds)),
            ("keepalives_count", String(keepalivesCount)),
        ] + self.sessionDefaults + [("dbname", connectionString)]
    }

    /// With several hosts (a Patroni or streaming-replication pair, a managed service's endpoints)
    /// libpq takes the first that answers, which may be a standby: its snapshot is served but its
    /// LISTEN never hears a NOTIFY (they are not replicated) and writes fail. So unless the string
    /// says otherwise, a multi-host string asks for the primary (`target_session_attrs=read-write`).
    var sessionDefaults: [(String, String)] {
        let hosts = Self.parsedOptions(self.connectionString)
        guard hosts.severalHosts, !hosts.namesTargetSessionAttrs else { return [] }
        return [("target_session_attrs", "read-write")]
    }

    /// Why libpq cannot use `connectionString`, in libpq's words, or `nil` when it can: what
    /// `PQconninfoParse` refuses (a malformed URI, an unknown keyword or URI parameter, an
    /// unterminated quote) and a port that is not a number from 1 to 65535, which libpq itself
    /// refuses only when it tries to connect. Nothing is looked up and nothing connects: a valid
    /// string for an unreachable server is valid here. libpq's words may quote the string, its
    /// password included.
    public static func connectionStringProblem(_ connectionString: String) -> String? {
        let options: [(keyword: String, value: String)]
        switch Self.libpqOptions(connectionString) {
        case .failure(let problem): return problem.message
        case .success(let read): options = read
        }
        for option in options where option.keyword == "port" {
            // One port, or one per host; an empty item means the default port.
            for item in option.value.split(separator: ",", omittingEmptySubsequences: false) {
                let text = Self.trimmed(item)
                if text.isEmpty { continue }
                guard let port = Int(text) else {
                    return "invalid integer value \"\(item)\" for connection option \"port\""
                }
                guard (1...65_535).contains(port) else { return "invalid port number: \"\(item)\"" }
            }
        }
        return nil
    }

    /// Why libpq refused to read a connection string, in its words.
    private struct ReadingProblem: Error {
        let message: String
    }

    /// The options a connection string sets, as libpq reads it (`PQconninfoParse`), or libpq's
    /// words for why it cannot.
    private static func libpqOptions(
        _ connectionString: String
    ) -> Result<[(keyword: String, value: String)], ReadingProblem> {
        var error: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(connectionString, &error) else {
            defer { if let error { PQfreemem(error) } }
            let message = Self.trimmed(error.map { String(cString: $0) } ?? "")
            return .failure(ReadingProblem(message: message.isEmpty ? "libpq cannot read it" : String(message)))
        }
        defer { PQconninfoFree(options) }
        var set: [(keyword: String, value: String)] = []
        var index = 0
        while let keyword = options[index].keyword {
            if let value = options[index].val { set.append((String(cString: keyword), String(cString: value))) }
            index += 1
        }
        return .success(set)
    }

    /// `text` without the white space around it.
    private static func trimmed<Text: StringProtocol>(_ text: Text) -> Substring {
        let start = text.firstIndex { !$0.isWhitespace } ?? text.endIndex
        let end = text.lastIndex { !$0.isWhitespace }.map(text.index(after:)) ?? start
        return Substring(text[start..<end])
    }

    /// libpq's own reading of a connection string (URI or key=value): several hosts, and whether
    /// it names `target_session_attrs`.
    static func parsedOptions(_ connectionString: String) -> (severalHosts: Bool, namesTargetSessionAttrs: Bool) {
        guard case .success(let options) = Self.libpqOptions(connectionString) else { return (false, false) }
        let severalHosts = options.contains {
            ($0.keyword == "host" || $0.keyword == "hostaddr") && $0.value.contains(",")
        }
        return (severalHosts, options.contains { $0.keyword == "target_session_attrs" })
    }
}

/// A configuration described anywhere — a log line at debug that lists the services holding one, an
/// error, a test's failure — shows its connection string with the password masked.
extension PostgresConfiguration: CustomStringConvertible, CustomDebugStringConvertible {
    public var description: String {
        "PostgresConfiguration(\(SecretMasking.maskDatabaseURL(self.connectionString)), application: \(self.applicationName))"
    }

    public var debugDescription: String { self.description }
}
