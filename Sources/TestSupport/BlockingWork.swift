import NIOPosix

/// Runs blocking work (subprocesses, `pg_ctl -w`, blocking sockets) on threads of its own.
///
/// Swift's cooperative pool has one thread per core — two on the CI machine. A test that blocks one
/// of them for seconds (an `initdb`, say) stalls every other test's awaits and timers, and unrelated
/// timing-based tests then fail; so blocking test set-up never runs on that pool.
public enum BlockingWork {
    private static let pool: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: 16)
        pool.start()
        return pool
    }()

    public static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await pool.runIfActive(body)
    }
}
