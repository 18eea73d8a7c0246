import NIOPosix
import Synchronization

/// One PostgreSQL session, safe to share between tasks.
///
/// Every libpq call blocks, so each connection owns one dedicated thread (a one-thread `NIOThreadPool`)
/// and runs every call there, never on an event loop or the cooperative pool's threads. A shared pool
/// would let sessions that wait on a lock (e.g. `pg_advisory_lock`) starve the session holding it.
/// Statements from concurrent callers are serialised on that thread; a transaction, however, belongs
/// to whoever opened it, so give concurrent work its own connection (as libpq itself expects).
public final class PostgresConnection: Sendable {
    private let connection: Mutex<LibPQConnection>
    private let threadPool: NIOThreadPool
    private let isClosed = Atomic(false)
    /// The server process serving this session (`pg_backend_pid()`).
    public let backendPID: Int32

    private init(connection: consuming sending LibPQConnection, threadPool: NIOThreadPool) {
        self.backendPID = connection.backendPID
        self.connection = Mutex(connection)
        self.threadPool = threadPool
    }

    /// Connects; throws a `PostgresError` of kind `.connectionFailed` when the server cannot be reached
    /// or refuses the session (within the configuration's connect timeout).
    public static func connect(_ configuration: PostgresConfiguration) async throws -> PostgresConnection {
        let threadPool = NIOThreadPool(numberOfThreads: 1)
        threadPool.start()
        do {
            return try await threadPool.runIfActive {
                PostgresConnection(
                    connection: try LibPQConnection(configuration: configuration),
                    threadPool: threadPool
                )
            }
        } catch {
            try? await threadPool.shutdownGracefully()
            throw error
        }
    }

    /// Connects with a libpq URI or `key=value` string.
    public static func connect(
        _ connectionString: String,
        applicationName: String = "freezegate"
    ) async throws -> PostgresConnection {
        try await connect(PostgresConfiguration(connectionString: connectionString, applicationName: applicationName))
    }

    /// Runs one statement with `$1`, `$2`, … bound to `parameters` and returns its rows.
    @discardableResult
    public func query(_ sql: String, _ parameters: [any PostgresEncodable] = []) async throws -> PostgresRows {
        let values = parameters.map { $0.postgresText }
        if let position = PostgresText.firstParameterWithNUL(values) {
            throw PostgresError(
                kind: .usage,
                message: "parameter $\(position) holds a NUL character, which PostgreSQL text cannot store"
            )
        }
        return try await run { try $0.execute(sql, parameters: values) }
    }

    /// Runs SQL text that may contain several statements and no parameters (e.g. a migration file).
    /// Returns the command tag of the last statement.
    @discardableResult
    public func execute(_ script: String) async throws -> String {
        try await run { try $0.executeScript(script) }
    }

    /// Runs `body` inside `BEGIN` … `COMMIT`; any error thrown rolls the transaction back and is rethrown.
    ///
    /// If a statement failed inside `body` and the error was swallowed, the server turns the `COMMIT`
    /// into a rollback; that is reported as an error rather than passed off as success.
    public func transaction<T: Sendable>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        try await execute("BEGIN")
        let value: T
        do {
            value = try await body(self)
        } catch {
            if (error as? PostgresError)?.isConnectionError != true {
                _ = try? await execute("ROLLBACK")
            }
            throw error
        }
        let tag = try await execute("COMMIT")
        if tag == "ROLLBACK" {
            throw PostgresError(
                kind: .query,
                sqlState: "25P02",
                message: "the transaction was rolled back by the server because a statement in it failed"
            )
        }
        return value
    }

    /// Quotes an identifier, e.g. a channel or table name chosen at run time.
    public func quoteIdentifier(_ identifier: String) async throws -> String {
        try await run { try $0.quotedIdentifier(identifier) }
    }

    /// Ends the session. Further calls fail with a `.usage` error.
    public func close() async {
        guard !isClosed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        _ = try? await threadPool.runIfActive {
            self.connection.withLock { $0.finish() }
        }
        try? await threadPool.shutdownGracefully()
    }

    deinit {
        // Dropped without close(): the PGconn is finished by LibPQConnection's deinit; stop the thread.
        threadPool.shutdownGracefully { _ in }
    }

    private func run<T: Sendable>(_ body: @escaping @Sendable (LibPQConnection) throws -> T) async throws -> T {
        guard !isClosed.load(ordering: .acquiring) else {
            throw PostgresError(kind: .usage, message: "the connection is closed")
        }
        return try await threadPool.runIfActive {
            try self.connection.withLock { connection in
                try body(connection)
            }
        }
    }
}
