import Logging
import Postgres
import ServiceLifecycle

/// Reads the e-mail freeze requests' counts from the database every `interval` into
/// `freezegate_mail_requests`, on a connection of its own (the snapshot's connection is busy
/// listening, and a count must never delay a change reaching the gateways).
///
/// A failure costs nothing but this metric: the connection is dropped and opened again at the next
/// turn; the first failure of a run of failures is logged at warning, the return to normal at info.
struct MailRequestMetricsRefresher: Service {
    let database: PostgresConfiguration
    let metrics: MailRequestMetrics
    let logger: Logger
    var interval: Duration = .seconds(15)

    func run() async {
        await cancelWhenGracefulShutdown {
            var connection: PostgresConnection?
            var failing = false
            while !Task.isCancelled {
                do {
                    let open: PostgresConnection
                    if let connection {
                        open = connection
                    } else {
                        open = try await PostgresConnection.connect(database)
                        connection = open
                    }
                    metrics.update(try await Self.read(open))
                    if failing {
                        failing = false
                        logger.info("mail request counts are read again")
                    }
                } catch {
                    if let broken = connection {
                        connection = nil
                        await broken.close()
                    }
                    if !failing {
                        failing = true
                        logger.warning(
                            "cannot read mail request counts; freezegate_mail_requests is stale until the database answers",
                            metadata: ["error": "\(Self.describe(error))"]
                        )
                    }
                }
                try? await Task.sleep(for: interval)
            }
            await connection?.close()
        }
    }

    static func read(_ connection: PostgresConnection) async throws -> [MailRequestCount] {
        let rows = try await connection.query(
            "SELECT outcome, sqlstate, requests FROM freezegate.mail_request_counts()"
        )
        return try rows.map { row in
            MailRequestCount(
                outcome: try row.decode(String.self, column: 0),
                sqlState: try row.decode(String.self, column: 1),
                requests: try row.decode(Int.self, column: 2)
            )
        }
    }

    private static func describe(_ error: any Error) -> String {
        (error as? PostgresError)?.message ?? "\(error)"
    }
}
