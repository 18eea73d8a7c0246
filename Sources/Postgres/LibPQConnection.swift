import CLibPQ
import Foundation

/// Owns one `PGconn`: connects, runs statements, and calls `PQfinish` exactly once.
///
/// Not thread-safe and deliberately not `Sendable`: one owner uses it at a time (`PostgresConnection`
/// keeps it behind a mutex, `PostgresListener` on its own thread). Every call here may block.
final class LibPQConnection {
    private var handle: OpaquePointer?

    /// Connects, blocking. Throws `.connectionFailed`; the `PGconn` is finished on failure as well.
    init(configuration: PostgresConfiguration) throws {
        let parameters = configuration.libpqParameters
        let connection = LibPQConnection.withCStringArrays(parameters) { keywords, values in
            PQconnectdbParams(keywords, values, 1)
        }
        guard let connection else {
            throw PostgresError(kind: .connectionFailed, message: "libpq could not allocate a connection")
        }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = LibPQConnection.errorMessage(of: connection)
            PQfinish(connection)
            throw PostgresError(
                kind: .connectionFailed,
                sqlState: ConnectionFailureClassifier.sqlState(forMessage: message),
                message: message
            )
        }
        // libpq prints server notices to stderr by default; the gateway's logs are its own business.
        PQsetNoticeProcessor(connection, { _, _ in }, nil)
        self.handle = connection
    }

    deinit {
        finish()
    }

    var isOpen: Bool { handle != nil }

    /// Closes the connection; later calls do nothing.
    func finish() {
        if let handle {
            PQfinish(handle)
            self.handle = nil
        }
    }

    func withHandle<T>(_ body: (OpaquePointer) throws -> T) throws -> T {
        guard let handle else {
            throw PostgresError(kind: .usage, message: "the connection is closed")
        }
        return try body(handle)
    }

    var backendPID: Int32 {
        handle.map { PQbackendPID($0) } ?? 0
    }

    /// Runs one parameterised statement (extended protocol, binary results).
    func execute(_ sql: String, parameters: [String?]) throws -> PostgresRows {
        try withHandle { connection in
            let result = LibPQConnection.withOptionalCStrings(parameters) { values in
                PQexecParams(connection, sql, Int32(parameters.count), nil, values, nil, nil, 1)
            }
            return try self.consume(result, connection: connection)
        }
    }

    /// Runs SQL text that may hold several statements (simple protocol, text results, no parameters).
    func executeScript(_ sql: String) throws -> String {
        try withHandle { connection in
            let result = PQexec(connection, sql)
            let tag = result.flatMap { String(cString: PQcmdStatus($0)) } ?? ""
            _ = try self.consume(result, connection: connection, decodeRows: false)
            return tag
        }
    }

    /// Escapes an identifier (e.g. a channel name for LISTEN) with the connection's rules.
    func quotedIdentifier(_ identifier: String) throws -> String {
        try withHandle { connection in
            let bytes = Array(identifier.utf8)
            guard let escaped = PQescapeIdentifier(connection, identifier, bytes.count) else {
                throw PostgresError(kind: .usage, message: LibPQConnection.errorMessage(of: connection))
            }
            defer { PQfreemem(escaped) }
            return String(cString: escaped)
        }
    }

    private func consume(
        _ result: OpaquePointer?,
        connection: OpaquePointer,
        decodeRows: Bool = true
    ) throws -> PostgresRows {
        guard let result else {
            throw lostOrFailed(connection: connection)
        }
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_TUPLES_OK, PGRES_SINGLE_TUPLE:
            return decodeRows ? PostgresRows(result: result) : PostgresRows(commandTag: "")
        case PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
            return PostgresRows(commandTag: String(cString: PQcmdStatus(result)))
        case PGRES_FATAL_ERROR, PGRES_NONFATAL_ERROR, PGRES_BAD_RESPONSE:
            if PQstatus(connection) != CONNECTION_OK {
                throw lostOrFailed(connection: connection, result: result)
            }
            throw LibPQConnection.error(from: result, kind: .query)
        default:
            throw PostgresError(
                kind: .usage,
                message: "unexpected result status \(String(cString: PQresStatus(PQresultStatus(result))))"
            )
        }
    }

    private func lostOrFailed(connection: OpaquePointer, result: OpaquePointer? = nil) -> PostgresError {
        var error =
            result.map { LibPQConnection.error(from: $0, kind: .connectionLost) }
            ?? PostgresError(kind: .connectionLost, message: LibPQConnection.errorMessage(of: connection))
        if PQstatus(connection) != CONNECTION_OK {
            error.kind = .connectionLost
            if error.sqlState == nil { error.sqlState = "08006" }
        }
        return error
    }

    static func error(from result: OpaquePointer, kind: PostgresError.Kind) -> PostgresError {
        func field(_ code: Int32) -> String? {
            guard let value = PQresultErrorField(result, code) else { return nil }
            return String(cString: value)
        }
        let message =
            field(CLIBPQ_DIAG_MESSAGE_PRIMARY)
            ?? String(cString: PQresultErrorMessage(result)).trimmingTrailingNewlines()
        return PostgresError(
            kind: kind,
            sqlState: field(CLIBPQ_DIAG_SQLSTATE),
            severity: field(CLIBPQ_DIAG_SEVERITY_NONLOCALIZED) ?? field(CLIBPQ_DIAG_SEVERITY),
            message: message,
            detail: field(CLIBPQ_DIAG_MESSAGE_DETAIL),
            hint: field(CLIBPQ_DIAG_MESSAGE_HINT),
            constraint: field(CLIBPQ_DIAG_CONSTRAINT_NAME),
            table: field(CLIBPQ_DIAG_TABLE_NAME),
            column: field(CLIBPQ_DIAG_COLUMN_NAME),
            context: field(CLIBPQ_DIAG_CONTEXT)
        )
    }

    static func errorMessage(of connection: OpaquePointer) -> String {
        guard let message = PQerrorMessage(connection) else { return "unknown libpq error" }
        let text = String(cString: message).trimmingTrailingNewlines()
        return text.isEmpty ? "unknown libpq error" : text
    }

    /// Keeps every C string alive for the whole call (libpq reads them during the call).
    private static func withCStringArrays<T>(
        _ pairs: [(String, String)],
        _ body: (UnsafePointer<UnsafePointer<CChar>?>, UnsafePointer<UnsafePointer<CChar>?>) -> T
    ) -> T {
        let keywords = pairs.map { strdup($0.0) }
        let values = pairs.map { strdup($0.1) }
        defer {
            keywords.forEach { free($0) }
            values.forEach { free($0) }
        }
        let keywordPointers = keywords.map { UnsafePointer($0) } + [nil]
        let valuePointers = values.map { UnsafePointer($0) } + [nil]
        return keywordPointers.withUnsafeBufferPointer { keywordBuffer in
            valuePointers.withUnsafeBufferPointer { valueBuffer in
                body(keywordBuffer.baseAddress!, valueBuffer.baseAddress!)
            }
        }
    }

    private static func withOptionalCStrings<T>(
        _ strings: [String?],
        _ body: (UnsafePointer<UnsafePointer<CChar>?>?) -> T
    ) -> T {
        let copies = strings.map { $0.map { strdup($0) } ?? nil }
        defer { copies.forEach { free($0) } }
        let pointers = copies.map { $0.map { UnsafePointer($0) } }
        return pointers.withUnsafeBufferPointer { buffer in
            body(buffer.baseAddress)
        }
    }
}

extension String {
    func trimmingTrailingNewlines() -> String {
        var text = Substring(self)
        while let last = text.last, last == "\n" || last == "\r" || last == " " {
            text = text.dropLast()
        }
        return String(text)
    }
}
