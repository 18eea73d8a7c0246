import Foundation
import Gateway
import MailIntake
import Postgres

/// Handles received messages end to end: read, record and judge in the database, answer.
///
/// Exit statuses follow sysexits(3), which mail servers act on: 0 handled, 75 (EX_TEMPFAIL) when the
/// database cannot be reached or the judgement could not be made (the message is retried later; a
/// message already recorded is recognised by its Message-ID and not applied twice).
struct MailIntakeRun {
    static let handled: Int32 = 0
    static let temporaryFailure: Int32 = 75

    let settings: IntakeMailSettings

    /// How this intake names itself in `handled_by`.
    private var handledBy: String { "freezegate intake mail@\(ProcessInfo.processInfo.hostName)" }

    /// One message (standard input).
    func processOne(_ raw: [UInt8]) async -> Int32 {
        signal(SIGPIPE, SIG_IGN)
        guard let database = await connect() else { return Self.temporaryFailure }
        let code = await handle(raw, on: database)
        await database.close()
        return code
    }

    /// The messages of `maildir/new`, each moved to `cur/` once handled; with `--watch`, for ever.
    func processMaildir(_ path: String) async -> Int32 {
        signal(SIGPIPE, SIG_IGN)
        let folder = MaildirFolder(path: path)
        do {
            try folder.prepare()
        } catch {
            Self.report("error: \(error)")
            return Self.temporaryFailure
        }
        while true {
            let code = await processPass(folder)
            if !settings.watch { return code }
            try? await Task.sleep(for: .milliseconds(Int(settings.pollInterval * 1000)))
        }
    }

    /// One look at `new/`: handles what is there, stops at the first temporary failure (the message
    /// stays in `new/` for the next pass).
    private func processPass(_ folder: MaildirFolder) async -> Int32 {
        let names: [String]
        do {
            names = try folder.newMessages()
        } catch {
            Self.report("error: cannot list \(folder.path)/new: \(error)")
            return Self.temporaryFailure
        }
        guard !names.isEmpty else { return Self.handled }
        guard let database = await connect() else { return Self.temporaryFailure }
        let code = await process(names, in: folder, on: database)
        await database.close()
        return code
    }

    private func process(_ names: [String], in folder: MaildirFolder, on database: PostgresConnection) async -> Int32 {
        for name in names {
            let raw: [UInt8]
            do {
                raw = try folder.read(name)
            } catch {
                // Gone meanwhile (another intake took it): not ours to handle.
                continue
            }
            let code = await handle(raw, on: database)
            guard code == Self.handled else { return code }
            do {
                try folder.markHandled(name)
            } catch {
                Self.report("error: \(error)")
                return Self.temporaryFailure
            }
        }
        return Self.handled
    }

    private func connect() async -> PostgresConnection? {
        do {
            let connection = try await PostgresConnection.connect(
                PostgresConfiguration(
                    connectionString: settings.databaseURL,
                    applicationName: "freezegate-intake",
                    connectTimeoutSeconds: settings.connectTimeout
                )
            )
            _ = try await connection.execute("SET TimeZone = 'UTC'")
            return connection
        } catch let error as PostgresError {
            Self.report("error: cannot connect to the database: \(error.message) (exit 75: the message is retried)")
            return nil
        } catch {
            Self.report("error: cannot connect to the database: \(error) (exit 75: the message is retried)")
            return nil
        }
    }

    /// Reads, records and answers one message.
    private func handle(_ raw: [UInt8], on database: PostgresConnection) async -> Int32 {
        let request = IncomingRequest(raw: raw, authservID: settings.authservID, baseDomains: settings.baseDomains)
        let recorded: RecordedMailRequest
        do {
            recorded = try await MailRequestRecorder.record(
                request,
                handledBy: handledBy,
                timeZone: settings.timeZone,
                on: database
            )
        } catch let error as PostgresError where error.isReadOnlyServer {
            Self.report(
                "error: the request \(request.messageID) was not recorded: \(TenantFailure.readOnlyServerCause) (\(error.message)) (exit 75: the message is retried)"
            )
            return Self.temporaryFailure
        } catch let error as PostgresError {
            Self.report("error: the request \(request.messageID) was not recorded: \(error.message) (exit 75)")
            return Self.temporaryFailure
        } catch {
            Self.report("error: the request \(request.messageID) was not recorded: \(error) (exit 75)")
            return Self.temporaryFailure
        }
        var replyNote = "no reply"
        if recorded.replyDue, let recipient = request.from {
            do {
                try deliverReply(to: recipient, for: request, recorded: recorded)
                replyNote = replyRouteNote
            } catch {
                // The request is recorded and judged; only the answer is lost. Retrying would not
                // answer either (the Message-ID is known), so the message counts as handled.
                Self.report("error: the reply to \(request.messageID) could not be delivered: \(error)")
                replyNote = "reply failed"
            }
        }
        let fields = [
            request.messageID, recorded.replayed ? "replayed" : recorded.outcome, recorded.tenant ?? "-",
            recorded.freezeID.map { "freeze \($0)" } ?? (recorded.sqlState ?? "-"), replyNote,
        ]
        // Written at once (not buffered), also when stdout is a file or a journal (--watch runs as a service).
        FileHandle.standardOutput.write(Data((fields.joined(separator: "  ") + "\n").utf8))
        return Self.handled
    }

    private var replyRouteNote: String {
        switch settings.replyRoute {
        case .sendmail: return "replied (sendmail)"
        case .outbox: return "replied (outbox)"
        case .none: return "reply due, no --sendmail or --outbox"
        }
    }

    private func deliverReply(
        to recipient: MailAddress,
        for request: IncomingRequest,
        recorded: RecordedMailRequest
    ) throws {
        if case .none = settings.replyRoute { return }
        let from = settings.replyFrom ?? request.recipient?.description ?? "freezegate@localhost"
        let domain = MailAddress(parsing: from)?.domain ?? "freezegate.invalid"
        let composer = ReplyComposer(replyFrom: from, messageIDDomain: domain)
        let reply = composer.compose(
            replyingTo: request,
            to: recipient,
            outcome: recorded.replyOutcome,
            tenant: recorded.tenant,
            date: Date(),
            uniqueID: "freezegate.request.\(recorded.requestID).\(UUID().uuidString.lowercased())",
            timeZone: recorded.timeZone.flatMap(TimeZone.init(identifier:)) ?? .gmt
        )
        let data = Data(reply.utf8)
        switch settings.replyRoute {
        case .sendmail(let command): try SendmailPipe.send(data, command: command)
        case .outbox(let directory): try MaildirFolder(path: directory).deliver(data)
        case .none: return
        }
    }

    private static func report(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
