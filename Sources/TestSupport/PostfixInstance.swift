import Foundation

/// A Postfix of its own for a test: its own configuration, queue and log under a temporary
/// directory, SMTP on a loopback port, and delivery to pipe transports — Debian's Postfix as an
/// operator runs it, minus chroot, DNS and the network.
///
/// Postfix's master runs as root and drops to `postfix` (and a pipe transport to its `user=`), so
/// this needs root and the `postfix` package; `isAvailable` says whether both are there.
public final class PostfixInstance: Sendable {
    /// A transport: `name unix - n n - 1 pipe flags=DRq user=USER argv=COMMAND`.
    public struct PipeTransport: Sendable {
        public var name: String
        public var user: String
        public var command: String

        public init(name: String, user: String = "nobody", command: String) {
            self.name = name
            self.user = user
            self.command = command
        }
    }

    public let directory: TemporaryDirectory
    public let port: Int
    public var configDirectory: String { directory.path + "/etc" }
    public var logFile: String { directory.path + "/maillog" }

    public static let postfix = "/usr/sbin/postfix"

    public static var isAvailable: Bool {
        geteuid() == 0 && FileManager.default.isExecutableFile(atPath: postfix)
            && FileManager.default.fileExists(atPath: "/usr/lib/postfix/sbin/master")
    }

    /// Writes the configuration and starts Postfix. `routes` maps recipient addresses to transport
    /// names; `extraMain` lines are appended to main.cf (e.g. header_checks).
    public init(
        transports: [PipeTransport],
        routes: [String: String],
        relayDomains: [String],
        extraMain: [String] = [],
        files: [String: String] = [:]
    ) async throws {
        self.directory = try TemporaryDirectory(prefix: "freezegate-postfix")
        self.port = try FreePort.find()
        let root = directory.path
        let fileManager = FileManager.default
        for sub in ["etc", "spool", "lib"] {
            try fileManager.createDirectory(atPath: root + "/" + sub, withIntermediateDirectories: true)
        }
        // mkdtemp makes the directory private; the pipe's user and Postfix's own users read below it.
        chmod(root, 0o755)
        for (name, contents) in files {
            try contents.write(toFile: root + "/etc/" + name, atomically: true, encoding: .utf8)
        }
        let routeMap = routes.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value):" }.joined(separator: ", ")
        let main =
            [
                "compatibility_level = 3.6",
                "queue_directory = \(root)/spool",
                "data_directory = \(root)/lib",
                "command_directory = /usr/sbin",
                "daemon_directory = /usr/lib/postfix/sbin",
                "meta_directory = /etc/postfix",
                "shlib_directory = /usr/lib/postfix",
                "mail_owner = postfix",
                "setgid_group = postdrop",
                "myhostname = mx.operator.test",
                "mydomain = operator.test",
                "mydestination =",
                "inet_interfaces = 127.0.0.1",
                "inet_protocols = ipv4",
                "mynetworks = 127.0.0.0/8",
                "relay_domains = \(relayDomains.joined(separator: ", "))",
                "transport_maps = inline:{ \(routeMap) }",
                "smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination",
                "maillog_file = \(root)/maillog",
                "maillog_file_prefixes = \(root)",
                "alias_maps =",
                "alias_database =",
                "local_recipient_maps =",
                "smtputf8_enable = no",
                "biff = no",
                // A deferred message is retried soon, so that a test sees the retry.
                "queue_run_delay = 2s",
                "minimal_backoff_time = 2s",
                "maximal_backoff_time = 4s",
            ] + transports.map { "\($0.name)_destination_recipient_limit = 1" } + extraMain
        try (main.joined(separator: "\n") + "\n").write(
            toFile: root + "/etc/main.cf",
            atomically: true,
            encoding: .utf8
        )
        let services = [
            "127.0.0.1:\(port) inet n - n - - smtpd",
            "pickup unix n - n 60 1 pickup",
            "cleanup unix n - n - 0 cleanup",
            "qmgr unix n - n 300 1 qmgr",
            "rewrite unix - - n - - trivial-rewrite",
            "bounce unix - - n - 0 bounce",
            "defer unix - - n - 0 bounce",
            "trace unix - - n - 0 bounce",
            "verify unix - - n - 1 verify",
            "flush unix n - n 1000? 0 flush",
            "proxymap unix - - n - - proxymap",
            "smtp unix - - n - - smtp",
            "relay unix - - n - - smtp",
            "showq unix n - n - - showq",
            "error unix - - n - - error",
            "retry unix - - n - - error",
            "discard unix - - n - - discard",
            "anvil unix - - n - 1 anvil",
            "scache unix - - n - 1 scache",
            "postlog unix-dgram n - n - 1 postlogd",
        ]
        let pipes = transports.map { "\($0.name) unix - n n - 1 pipe flags=DRq user=\($0.user) argv=\($0.command)" }
        try ((services + pipes).joined(separator: "\n") + "\n").write(
            toFile: root + "/etc/master.cf",
            atomically: true,
            encoding: .utf8
        )
        try await BlockingWork.run {
            try CommandRunner.run(["chown", "postfix", root + "/lib"])
            // The master daemon would keep a pipe of ours open; it gets a file instead.
            try CommandRunner.run([
                "/bin/sh", "-c", "\"$0\" -c \"$1\" start > \"$1/start.log\" 2>&1 < /dev/null", Self.postfix,
                root + "/etc",
            ])
        }
    }

    /// Stops Postfix (waiting for its master to exit); the directory goes with the value.
    public func stop() async {
        let root = directory.path
        _ = try? await BlockingWork.run {
            try CommandRunner.run([
                "/bin/sh", "-c", "\"$0\" -c \"$1\" stop > \"$1/stop.log\" 2>&1 < /dev/null", Self.postfix,
                root + "/etc",
            ])
        }
        let deadline = Date().addingTimeInterval(10)
        while FileManager.default.fileExists(atPath: root + "/spool/pid/master.pid"), Date() < deadline {
            try? await Task.sleep(for: .milliseconds(100))
        }
    }

    /// Hands a message to Postfix over SMTP, as a mail client or another MTA would.
    public func send(_ message: String, from sender: String, to recipients: [String]) async throws {
        let script = """
            import smtplib, sys
            with smtplib.SMTP("127.0.0.1", int(sys.argv[1]), timeout=20) as smtp:
                refused = smtp.sendmail(sys.argv[2], sys.argv[3].split(","), sys.stdin.buffer.read())
                sys.exit(1 if refused else 0)
            """
        let file = directory.path + "/outgoing-\(UUID().uuidString).eml"
        try message.write(toFile: file, atomically: true, encoding: .utf8)
        _ = try await BlockingWork.run {
            try CommandRunner.run([
                "/bin/sh", "-c", "python3 -c \"$0\" \"$1\" \"$2\" \"$3\" < \"$4\"", script, String(self.port), sender,
                recipients.joined(separator: ","), file,
            ])
        }
    }

    /// The mail log so far.
    public func log() -> String {
        (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? ""
    }
}
