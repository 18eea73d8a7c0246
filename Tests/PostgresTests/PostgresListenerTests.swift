import TestSupport
import Testing

@testable import Postgres

@Suite("LISTEN/NOTIFY", .timeLimit(.minutes(2)))
struct PostgresListenerTests {
    @Test func aBurstOfAThousandNotificationsArrivesInOrder() async throws {
        let url = try await TestPostgres.shared.makeDatabase(prefix: "listen")
        let listener = try await PostgresListener.start(
            PostgresConfiguration(connectionString: url),
            channels: ["fg_test"]
        )
        let sender = try await PostgresConnection.connect(url)
        for index in 0..<1000 {
            try await sender.query("SELECT pg_notify('fg_test', $1)", ["payload-\(index) ✓"])
        }
        var received: [PostgresNotification] = []
        for try await notification in listener.notifications {
            received.append(notification)
            if received.count == 1000 { break }
        }
        #expect(received.map(\.payload) == (0..<1000).map { "payload-\($0) ✓" })
        #expect(received.allSatisfy { $0.channel == "fg_test" && $0.senderPID == sender.backendPID })
        listener.stop()
    }

    @Test func listensOnSeveralChannelsWithAwkwardNames() async throws {
        let url = try await TestPostgres.shared.makeDatabase(prefix: "listen")
        let listener = try await PostgresListener.start(
            PostgresConfiguration(connectionString: url),
            channels: ["first", "Second Channel"]
        )
        let sender = try await PostgresConnection.connect(url)
        try await sender.execute("NOTIFY \"Second Channel\", 'two'; NOTIFY first, 'one'")
        var iterator = listener.notifications.makeAsyncIterator()
        let a = try await iterator.next()
        let b = try await iterator.next()
        #expect(Set([a?.channel, b?.channel]) == Set(["first", "Second Channel"]))
        listener.stop()
    }

    /// libpq reads a notification together with the answer to a statement and keeps it; the socket
    /// then has nothing more to read, and a listener that only waits on the socket would hand it on
    /// with the next heartbeat's answer (5 s later in the gateway), or never.
    @Test func aNotificationLibpqReadWithAnAnswerIsDeliveredWithoutWaitingForTheSocket() async throws {
        let url = try await TestPostgres.shared.makeDatabase(prefix: "listen")
        let configuration = PostgresConfiguration(connectionString: url)
        let listener = try await PostgresListener.start(
            connecting: {
                let connection = try LibPQConnection(configuration: configuration)
                // A session's own notification arrives before the answer's end, so libpq holds it.
                _ = try connection.executeScript("LISTEN queued; NOTIFY queued, 'read with the answer'")
                return connection
            },
            channels: ["queued"],
            heartbeatInterval: .seconds(600),
            heartbeatTimeout: .seconds(5)
        )
        let first = await withTaskGroup(of: PostgresNotification?.self) { group in
            group.addTask {
                var iterator = listener.notifications.makeAsyncIterator()
                return try? await iterator.next()
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(20))
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            listener.stop()
            return first
        }
        #expect(first?.channel == "queued")
        #expect(first?.payload == "read with the answer")
    }

    @Test func terminatingTheListenerEndsTheSequenceWithAnError() async throws {
        let url = try await TestPostgres.shared.makeDatabase(prefix: "listen")
        let listener = try await PostgresListener.start(PostgresConfiguration(connectionString: url), channels: ["x"])
        let admin = try await PostgresConnection.connect(url)
        try await admin.query("SELECT pg_terminate_backend($1)", [listener.backendPID])
        let error = await #expect(throws: PostgresError.self) {
            for try await _ in listener.notifications {}
        }
        #expect(error?.kind == .connectionLost)
    }

    @Test func stopEndsTheSequenceWithoutAnError() async throws {
        let url = try await TestPostgres.shared.makeDatabase(prefix: "listen")
        let listener = try await PostgresListener.start(PostgresConfiguration(connectionString: url), channels: ["x"])
        listener.stop()
        var count = 0
        for try await _ in listener.notifications { count += 1 }
        #expect(count == 0)
    }

    @Test func aListenerThatCannotConnectThrowsFromStart() async throws {
        let port = try FreePort.find()
        await #expect(throws: PostgresError.self) {
            try await PostgresListener.start(
                PostgresConfiguration(connectionString: "host=127.0.0.1 port=\(port) user=x", connectTimeoutSeconds: 2),
                channels: ["x"]
            )
        }
    }
}
