import Foundation
import Synchronization

/// A throwaway PostgreSQL cluster in a temporary directory, for tests.
///
/// It listens on a Unix socket in its directory and on 127.0.0.1 at a free port. PostgreSQL refuses to
/// run as root, so when the tests run as root every server command runs as the `postgres` user. The
/// cluster is removed when the test process exits, also when it is interrupted or killed: a detached
/// watchdog waits for the test process to disappear, stops the server and deletes the directory.
public final class PostgresTestCluster: Sendable {
    /// The role with a password, reachable over TCP with scram-sha-256 (for authentication tests).
    public static let passwordRole = "fg_password_user"
    public static let passwordRolePassword = "correct horse"

    public let directory: String
    public let socketDirectory: String
    public let port: Int
    private let dataDirectory: String
    private let binaries: String

    /// Creates and starts a new cluster (initdb + pg_ctl start), which takes a few seconds; the work
    /// runs off the cooperative thread pool.
    public static func create() async throws -> PostgresTestCluster {
        try await BlockingWork.run { try createBlocking() }
    }

    private static func createBlocking() throws -> PostgresTestCluster {
        let binaries = try locateBinaries()
        let directory = try makeDirectory()
        var cluster = PostgresTestCluster(directory: directory, port: try FreePort.find(), binaries: binaries)
        try cluster.initialise()
        // A port found free can be taken by another test before the server binds it: try another.
        for attempt in 1... {
            do {
                try cluster.startBlocking()
                return cluster
            } catch let failure as CommandRunner.Failure
                where attempt < 5
                && (failure.output.contains("could not bind") || failure.output.contains("already in use"))
            {
                cluster = PostgresTestCluster(directory: directory, port: try FreePort.find(), binaries: binaries)
            }
        }
        fatalError("unreachable")
    }

    private init(directory: String, port: Int, binaries: String) {
        self.directory = directory
        self.socketDirectory = directory
        self.dataDirectory = directory + "/data"
        self.port = port
        self.binaries = binaries
    }

    /// A libpq `key=value` string over the Unix socket as the superuser.
    public func connectionString(database: String = "postgres", user: String = "postgres") -> String {
        "host=\(socketDirectory) port=\(port) user=\(user) dbname=\(database)"
    }

    /// A URI over TCP, e.g. for password authentication tests.
    public func tcpURL(database: String = "postgres", user: String, password: String) -> String {
        let encodedPassword = password.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? password
        return "postgresql://\(user):\(encodedPassword)@127.0.0.1:\(port)/\(database)"
    }

    /// Starts the server again after `stop()`, waiting until it accepts connections.
    public func start() async throws {
        try await BlockingWork.run { try self.startBlocking() }
    }

    private func startBlocking() throws {
        do {
            try startServer()
        } catch let failure as CommandRunner.Failure {
            let log = (try? String(contentsOfFile: directory + "/server.log", encoding: .utf8)) ?? ""
            let tail = log.split(separator: "\n").suffix(15).joined(separator: "\n")
            throw CommandRunner.Failure(
                command: failure.command,
                status: failure.status,
                output: failure.output + "\nserver.log:\n" + tail
            )
        }
    }

    private func startServer() throws {
        try runAsServerUser([
            "\(binaries)/pg_ctl", "-D", dataDirectory, "-l", directory + "/server.log", "-w", "-t", "60",
            "-o",
            "-k \(socketDirectory) -p \(port) -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300 -c shared_buffers=64MB",
            "start",
        ])
    }

    /// Stops the server (fast shutdown); `start()` brings it back with the same data.
    public func stop() async throws {
        _ = try await BlockingWork.run {
            try self.runAsServerUser([
                "\(self.binaries)/pg_ctl", "-D", self.dataDirectory, "-w", "-t", "60", "-m", "fast", "stop",
            ])
        }
    }

    /// Stops the server and removes its directory.
    public func destroy() {
        _ = try? runAsServerUser(["\(binaries)/pg_ctl", "-D", dataDirectory, "-m", "immediate", "stop"])
        try? FileManager.default.removeItem(atPath: directory)
        ClusterCleanup.forget(self)
    }

    /// A streaming standby of this running cluster in a new directory: `pg_basebackup -R` (which writes
    /// `standby.signal` and `primary_conninfo` naming this cluster's socket), started on a port of its
    /// own. It answers read-only queries and replays this cluster's changes until `promote()`.
    public func makeStandby() async throws -> PostgresTestCluster {
        try await BlockingWork.run { try self.makeStandbyBlocking() }
    }

    private func makeStandbyBlocking() throws -> PostgresTestCluster {
        let directory = try Self.makeDirectory()
        var standby = PostgresTestCluster(directory: directory, port: try FreePort.find(), binaries: binaries)
        try runAsServerUser([
            "\(binaries)/pg_basebackup", "-D", standby.dataDirectory, "-R", "-X", "stream", "-c", "fast",
            "-h", socketDirectory, "-p", "\(port)", "-U", "postgres", "--no-sync",
        ])
        try standby.registerForCleanup()
        for attempt in 1... {
            do {
                try standby.startBlocking()
                return standby
            } catch let failure as CommandRunner.Failure
                where attempt < 5
                && (failure.output.contains("could not bind") || failure.output.contains("already in use"))
            {
                standby = PostgresTestCluster(directory: directory, port: try FreePort.find(), binaries: binaries)
            }
        }
        fatalError("unreachable")
    }

    /// Promotes a standby to a primary (`pg_ctl promote`), waiting until it accepts writes.
    public func promote() async throws {
        _ = try await BlockingWork.run {
            try self.runAsServerUser(["\(self.binaries)/pg_ctl", "-D", self.dataDirectory, "-w", "-t", "60", "promote"])
        }
    }

    var postmasterPIDFile: String { dataDirectory + "/postmaster.pid" }

    private func initialise() throws {
        try runAsServerUser([
            "\(binaries)/initdb", "-D", dataDirectory, "-U", "postgres", "-A", "trust", "-E", "UTF8",
            "--locale=C", "--no-sync",
        ])
        // The replication lines let `makeStandby()` take a base backup and stream from this cluster.
        let hba = """
            local all all trust
            host all \(Self.passwordRole) 127.0.0.1/32 scram-sha-256
            host all all 127.0.0.1/32 trust
            local replication all trust
            host replication all 127.0.0.1/32 trust

            """
        try hba.write(toFile: dataDirectory + "/pg_hba.conf", atomically: false, encoding: .utf8)
        try registerForCleanup()
    }

    private func registerForCleanup() throws {
        ClusterCleanup.register(self)
        try ClusterCleanup.spawnWatchdog(
            for: self,
            stopCommand: serverUserPrefix + [
                "\(binaries)/pg_ctl", "-D", dataDirectory, "-m", "immediate", "stop",
            ]
        )
    }

    private var serverUserPrefix: [String] {
        getuid() == 0 ? ["runuser", "-u", "postgres", "--"] : []
    }

    @discardableResult
    private func runAsServerUser(_ arguments: [String]) throws -> String {
        try CommandRunner.run(serverUserPrefix + arguments)
    }

    private static func makeDirectory() throws -> String {
        var template = Array("/tmp/freezegate-test-pg-XXXXXX".utf8CString)
        guard let created = mkdtemp(&template) else {
            throw CommandRunner.Failure(command: ["mkdtemp"], status: errno, output: "cannot create a directory")
        }
        let path = String(cString: created)
        if getuid() == 0 {
            try CommandRunner.run(["chown", "postgres:postgres", path])
        }
        return path
    }

    /// `PG_BINDIR`, else the newest `/usr/lib/postgresql/N/bin` (Debian), else `pg_config --bindir`.
    private static func locateBinaries() throws -> String {
        if let fromEnvironment = ProcessInfo.processInfo.environment["PG_BINDIR"], !fromEnvironment.isEmpty {
            return fromEnvironment
        }
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [])
            .compactMap(Int.init)
            .sorted(by: >)
        for version in versions where FileManager.default.isExecutableFile(atPath: "\(root)/\(version)/bin/initdb") {
            return "\(root)/\(version)/bin"
        }
        if let bindir = try? CommandRunner.run(["pg_config", "--bindir"]).trimmingCharacters(
            in: .whitespacesAndNewlines
        ),
            FileManager.default.isExecutableFile(atPath: bindir + "/initdb")
        {
            return bindir
        }
        throw CommandRunner.Failure(
            command: ["initdb"],
            status: 127,
            output:
                "PostgreSQL server binaries not found; install them (apt-get install -y postgresql) or set PG_BINDIR"
        )
    }
}
