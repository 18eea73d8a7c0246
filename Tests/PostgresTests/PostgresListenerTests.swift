import Postgres
import TestSupport
import Testing

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
