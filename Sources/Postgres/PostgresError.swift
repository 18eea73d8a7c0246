/// An error from PostgreSQL or from the libpq connection, with the server's diagnostic fields.
///
/// `kind` separates failures of the connection itself (the caller should reconnect) from errors of one
/// statement (the connection is still usable) and from values that could not be decoded.
public struct PostgresError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// The connection could not be established (unreachable server, authentication, unknown database).
        case connectionFailed
        /// An established connection was lost or closed; it cannot be used again.
        case connectionLost
        /// The server rejected a statement; the connection remains usable.
        case query
        /// A row value does not have the type the caller asked for.
        case decoding
        /// The caller used the API wrongly (e.g. a closed connection, a missing column).
        case usage
    }

    public var kind: Kind
    /// The five-character SQLSTATE, e.g. `42P01` (undefined table) or `23505` (unique violation).
    public var sqlState: String?
    /// `ERROR`, `FATAL`, `PANIC`, … (non-localized when the server provides it).
    public var severity: String?
    public var message: String
    public var detail: String?
    public var hint: String?
    public var constraint: String?
    public var table: String?
    public var column: String?
    public var context: String?

    public init(
        kind: Kind,
        sqlState: String? = nil,
        severity: String? = nil,
        message: String,
        detail: String? = nil,
        hint: String? = nil,
        constraint: String? = nil,
        table: String? = nil,
        column: String? = nil,
        context: String? = nil
    ) {
        self.kind = kind
        self.sqlState = sqlState
        self.severity = severity
        self.message = message
        self.detail = detail
        self.hint = hint
        self.constraint = constraint
        self.table = table
        self.column = column
        self.context = context
    }

    /// True when the connection is gone and a new one is needed.
    public var isConnectionError: Bool { kind == .connectionFailed || kind == .connectionLost }

    /// True when the server refused a write because it accepts none (SQLSTATE 25006,
    /// read_only_sql_transaction): a hot standby, typically one a single-host URL still names after a
    /// failover. For a writer the primary is unavailable, as when it cannot be reached.
    public var isReadOnlyServer: Bool { kind == .query && sqlState == "25006" }

    public var description: String {
        var text = ""
        if let severity { text += "\(severity): " }
        text += message
        if let sqlState { text += " (SQLSTATE \(sqlState))" }
        if let detail { text += "\nDETAIL: \(detail)" }
        if let hint { text += "\nHINT: \(hint)" }
        return text
    }
}
