import CLibPQ
import Foundation
import Synchronization

/// A session that `LISTEN`s on channels and delivers each `NOTIFY` as an `AsyncSequence` element.
///
/// It runs on a dedicated thread that waits on the connection's socket with `poll` and drains it with
/// `PQconsumeInput`/`PQnotifies`, so it never occupies an event loop or a pooled thread. When the
/// connection is lost (or a heartbeat `SELECT 1` goes unanswered) the sequence ends with a
/// `PostgresError` of kind `.connectionLost`, and the caller reconnects; `stop()` ends it normally.
public final class PostgresListener: Sendable {
    /// Notifications in the order the server sent them. Iterate it from one task only.
    public let notifications: AsyncThrowingStream<PostgresNotification, any Error>
    /// The listening session's backend pid (useful for `pg_terminate_backend` in tests and ops).
    public let backendPID: Int32
    private let wakeUp: ListenerWakeUp

    private init(
        notifications: AsyncThrowingStream<PostgresNotification, any Error>,
        backendPID: Int32,
        wakeUp: ListenerWakeUp
    ) {
        self.notifications = notifications
        self.backendPID = backendPID
        self.wakeUp = wakeUp
    }

    /// Connects, runs `LISTEN` for every channel, and returns once the server has confirmed them, so a
    /// `NOTIFY` committed after this returns is delivered.
    ///
    /// - Parameters:
    ///   - heartbeatInterval: idle time after which a `SELECT 1` checks that the session is alive.
    ///   - heartbeatTimeout: how long that check may take before the connection counts as lost.
    public static func start(
        _ configuration: PostgresConfiguration,
        channels: [String],
        heartbeatInterval: Duration = .seconds(10),
        heartbeatTimeout: Duration = .seconds(5)
    ) async throws -> PostgresListener {
        try await self.start(
            connecting: { try LibPQConnection(configuration: configuration) },
            channels: channels,
            heartbeatInterval: heartbeatInterval,
            heartbeatTimeout: heartbeatTimeout
        )
    }

    /// `start` with the session opened by `connect` on the listener's thread (tests open one that has
    /// run statements of their own first).
    static func start(
        connecting connect: @escaping @Sendable () throws -> LibPQConnection,
        channels: [String],
        heartbeatInterval: Duration,
        heartbeatTimeout: Duration
    ) async throws -> PostgresListener {
        let wakeUp = try ListenerWakeUp()
        let (stream, continuation) = AsyncThrowingStream.makeStream(
            of: PostgresNotification.self,
            throwing: (any Error).self
        )
        continuation.onTermination = { _ in wakeUp.signal() }
        let loop = ListenerLoop(
            connect: connect,
            channels: channels,
            heartbeatInterval: heartbeatInterval,
            heartbeatTimeout: heartbeatTimeout,
            wakeUp: wakeUp,
            continuation: continuation
        )
        let backendPID: Int32 = try await withCheckedThrowingContinuation { started in
            let thread = Thread { loop.run(started: started) }
            thread.name = "freezegate-pg-listener"
            thread.start()
        }
        return PostgresListener(notifications: stream, backendPID: backendPID, wakeUp: wakeUp)
    }

    /// Closes the session; the sequence finishes without an error.
    public func stop() {
        wakeUp.signal()
    }
}

/// A self-pipe that interrupts the listener thread's `poll`; its write end is closed under a lock so
/// that a late `signal()` never writes to a reused descriptor.
final class ListenerWakeUp: Sendable {
    private struct Descriptors {
        var read: Int32
        var write: Int32
        var isClosed = false
        var isSignalled = false
    }

    private let descriptors: Mutex<Descriptors>
    let readDescriptor: Int32

    init() throws {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else {
            throw PostgresError(kind: .usage, message: "pipe() failed: errno \(errno)")
        }
        _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        _ = fcntl(fds[0], F_SETFL, O_NONBLOCK)
        _ = fcntl(fds[1], F_SETFL, O_NONBLOCK)
        self.readDescriptor = fds[0]
        self.descriptors = Mutex(Descriptors(read: fds[0], write: fds[1]))
    }

    func signal() {
        descriptors.withLock { state in
            guard !state.isClosed else { return }
            state.isSignalled = true
            var byte: UInt8 = 1
            _ = write(state.write, &byte, 1)
        }
    }

    var isSignalled: Bool { descriptors.withLock { $0.isSignalled } }

    func close() {
        descriptors.withLock { state in
            guard !state.isClosed else { return }
            state.isClosed = true
            _ = Glibc.close(state.read)
            _ = Glibc.close(state.write)
        }
    }
}

/// The listener thread's work. Owns the `PGconn` for its whole life, on one thread.
private struct ListenerLoop: Sendable {
    let connect: @Sendable () throws -> LibPQConnection
    let channels: [String]
    let heartbeatInterval: Duration
    let heartbeatTimeout: Duration
    let wakeUp: ListenerWakeUp
    let continuation: AsyncThrowingStream<PostgresNotification, any Error>.Continuation

    func run(started: CheckedContinuation<Int32, any Error>) {
        let connection: LibPQConnection
        do {
            connection = try connect()
            for channel in channels {
                _ = try connection.executeScript("LISTEN \(try connection.quotedIdentifier(channel))")
            }
        } catch {
            wakeUp.close()
            continuation.finish(throwing: error)
            started.resume(throwing: error)
            return
        }
        started.resume(returning: connection.backendPID)
        let failure = pollUntilStoppedOrLost(connection)
        connection.finish()
        wakeUp.close()
        continuation.finish(throwing: failure)
    }

    /// Returns nil when stopped, or the error that ended the session.
    private func pollUntilStoppedOrLost(_ connection: LibPQConnection) -> PostgresError? {
        let clock = ContinuousClock()
        var nextHeartbeat = clock.now.advanced(by: heartbeatInterval)
        var heartbeatDeadline: ContinuousClock.Instant?
        while true {
            if wakeUp.isSignalled { return nil }
            // A notification libpq has already read (with the answer to LISTEN, or to the heartbeat
            // in the same packet) no longer makes the socket readable: hand it on before waiting, or
            // it would wait for the next heartbeat's answer.
            if let failure = deliverQueuedNotifications(connection) { return failure }
            let now = clock.now
            let wakeAt = heartbeatDeadline ?? nextHeartbeat
            let timeoutMilliseconds = max(0, Int32(clamping: (wakeAt - now).milliseconds))
            let socket: Int32
            do {
                socket = try connection.withHandle { PQsocket($0) }
            } catch {
                return lost(connection, "the connection is closed")
            }
            guard socket >= 0 else { return lost(connection, "the connection has no socket") }
            var descriptors = [
                pollfd(fd: socket, events: Int16(POLLIN), revents: 0),
                pollfd(fd: wakeUp.readDescriptor, events: Int16(POLLIN), revents: 0),
            ]
            let ready = poll(&descriptors, 2, timeoutMilliseconds)
            if ready < 0 {
                if errno == EINTR { continue }
                return lost(connection, "poll failed: errno \(errno)")
            }
            if descriptors[1].revents != 0 || wakeUp.isSignalled { return nil }
            if descriptors[0].revents != 0 {
                if let failure = consumeInput(connection, heartbeatPending: &heartbeatDeadline) {
                    return failure
                }
                nextHeartbeat = clock.now.advanced(by: heartbeatInterval)
                continue
            }
            // Timed out: either a heartbeat is overdue or one is due.
            if let deadline = heartbeatDeadline, clock.now >= deadline {
                return lost(connection, "no answer to the heartbeat within \(heartbeatTimeout)")
            }
            if heartbeatDeadline == nil, clock.now >= nextHeartbeat {
                let sent = (try? connection.withHandle { PQsendQuery($0, "SELECT 1") }) ?? 0
                guard sent == 1 else { return lost(connection, nil) }
                heartbeatDeadline = clock.now.advanced(by: heartbeatTimeout)
            }
        }
    }

    private func consumeInput(
        _ connection: LibPQConnection,
        heartbeatPending: inout ContinuousClock.Instant?
    ) -> PostgresError? {
        do {
            return try connection.withHandle { handle -> PostgresError? in
                guard PQconsumeInput(handle) == 1 else { return lost(connection, nil) }
                if heartbeatPending != nil {
                    while PQisBusy(handle) == 0 {
                        guard let result = PQgetResult(handle) else {
                            heartbeatPending = nil
                            break
                        }
                        PQclear(result)
                    }
                }
                deliverNotifications(of: handle)
                if PQstatus(handle) != CONNECTION_OK { return lost(connection, nil) }
                return nil
            }
        } catch {
            return lost(connection, "the connection is closed")
        }
    }

    /// Delivers what libpq holds already, without reading the socket.
    private func deliverQueuedNotifications(_ connection: LibPQConnection) -> PostgresError? {
        do {
            try connection.withHandle { deliverNotifications(of: $0) }
            return nil
        } catch {
            return lost(connection, "the connection is closed")
        }
    }

    private func deliverNotifications(of handle: OpaquePointer) {
        while let notify = PQnotifies(handle) {
            let notification = PostgresNotification(
                channel: String(cString: notify.pointee.relname),
                payload: String(cString: notify.pointee.extra),
                senderPID: notify.pointee.be_pid
            )
            PQfreemem(notify)
            continuation.yield(notification)
        }
    }

    private func lost(_ connection: LibPQConnection, _ reason: String?) -> PostgresError {
        let libpqMessage = (try? connection.withHandle { LibPQConnection.errorMessage(of: $0) }) ?? ""
        let message = reason ?? (libpqMessage.isEmpty ? "the connection was lost" : libpqMessage)
        return PostgresError(kind: .connectionLost, sqlState: "08006", message: "listener: \(message)")
    }
}

extension Duration {
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
