import Foundation
import NIOCore
import NIOPosix
import TestSupport
import Testing

/// `freezegate serve` as operators run it: the built binary as a child process.
@Suite("serve as a process", .timeLimit(.minutes(3)))
struct ServeCommandProcessTests {
    /// Files the tests write, removed with the folder when the test ends.
    let scratch: TemporaryDirectory

    init() throws {
        self.scratch = try TemporaryDirectory(prefix: "freezegate-serve-cli")
    }

    static let required = ["--upstream", "http://127.0.0.1:8000", "--database-url", "postgresql://gw:hunter2@db/crm"]

    func temporaryFile(_ name: String, _ text: String) throws -> String {
        let folder = self.scratch.path + "/\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = folder + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func printConfigShowsTheEffectiveValuesMaskedAndExitsWithoutListening() async throws {
        let profile = try temporaryFile("profile.yaml", "base_domains:\n  - file.example\n")
        let outcome = try await ServeProcess.run(
            ["serve", "--print-config", "--upstream", "http://127.0.0.1:8000", "--listen", "127.0.0.1:18081"],
            environment: [
                "DATABASE_URL": "host=/run/pg dbname=crm password=hunter2",
                "FREEZEGATE_CONFIG": profile,
                "FREEZEGATE_LOG_FORMAT": "json",
            ]
        )
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(!outcome.stdout.contains("hunter2"))
        #expect(
            outcome.stdout.contains(
                "database_url: \"host=/run/pg dbname=crm password=****\"  # environment DATABASE_URL"
            )
        )
        #expect(outcome.stdout.contains("listen: \"127.0.0.1:18081\"  # flag --listen"))
        #expect(outcome.stdout.contains("admin_listen: \"127.0.0.1:9090\"  # default"))
        #expect(outcome.stdout.contains("base_domains: [\"file.example\"]  # config file \(profile)"))
        #expect(outcome.stdout.contains("log_format: \"json\"  # environment FREEZEGATE_LOG_FORMAT"))
        #expect(outcome.stdout.contains("config: \"\(profile)\"  # environment FREEZEGATE_CONFIG"))
    }

    @Test func printConfigMasksAURIPassword() async throws {
        let outcome = try await ServeProcess.run(["serve", "--print-config"] + Self.required)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.contains("database_url: \"postgresql://gw:****@db/crm\"  # flag --database-url"))
        #expect(!outcome.stdout.contains("hunter2"))
    }

    struct BadInput: Sendable, CustomStringConvertible {
        var arguments: [String]
        var environment: [String: String] = [:]
        /// What the first line of stderr must mention.
        var named: String
        var description: String { named }
    }

    static let badInputs: [BadInput] = [
        BadInput(arguments: Self.required + ["--listen", "nowhere"], named: "--listen"),
        BadInput(arguments: Self.required + ["--frobnicate"], named: "--frobnicate"),
        BadInput(arguments: Self.required + ["--config", "/nonexistent/profile.yaml"], named: "cannot read"),
        BadInput(
            arguments: Self.required,
            environment: ["FREEZEGATE_CONFIG": "/nonexistent/profile.yaml"],
            named: "FREEZEGATE_CONFIG"
        ),
        BadInput(
            arguments: Self.required,
            environment: ["FREEZEGATE_LOG_FORMAT": "xml"],
            named: "FREEZEGATE_LOG_FORMAT"
        ),
        BadInput(arguments: Self.required + ["--log-format", "xml"], named: "--log-format"),
        BadInput(arguments: ["--database-url", "dbname=crm"], named: "--upstream"),
        BadInput(arguments: ["--upstream", "http://127.0.0.1:8000"], named: "--database-url"),
    ]

    @Test(arguments: badInputs)
    func badInputFailsWithAFirstLineNamingTheProblem(input: BadInput) async throws {
        let outcome = try await ServeProcess.run(["serve"] + input.arguments, environment: input.environment)
        #expect(outcome.status != 0)
        let firstLine = outcome.stderr.split(separator: "\n").first.map(String.init) ?? ""
        #expect(firstLine.contains(input.named), "stderr: \(outcome.stderr)")
        #expect(outcome.stdout.isEmpty)
    }

    /// A connection string libpq cannot read stops `serve` before it listens (it would otherwise
    /// wait for its database forever), however it was given; its password is not shown.
    @Test(arguments: [
        BadInput(arguments: ["--database-url", "postgresql://[bad"], named: "--database-url"),
        BadInput(arguments: ["--database-url", "host=/tmp port=notaport bogus_key=1"], named: "--database-url"),
        BadInput(arguments: ["--database-url", "not a url at all"], named: "--database-url"),
        BadInput(arguments: ["--database-url", "host=/tmp port=notaport"], named: "--database-url"),
        BadInput(arguments: ["--database-url", "postgresql://gw:hunter2@[bad"], named: "--database-url"),
        BadInput(arguments: [], environment: ["DATABASE_URL": "postgresql://[bad"], named: "DATABASE_URL"),
    ])
    func anUnreadableDatabaseURLFailsBeforeListening(input: BadInput) async throws {
        let outcome = try await ServeProcess.run(
            [
                "serve", "--upstream", "http://127.0.0.1:8000", "--listen", "127.0.0.1:0", "--admin-listen",
                "127.0.0.1:0",
            ]
                + input.arguments,
            environment: input.environment,
            timeLimit: .seconds(20)
        )
        #expect(outcome.status == 64, "stderr: \(outcome.stderr)")
        let firstLine = outcome.stderr.split(separator: "\n").first.map(String.init) ?? ""
        #expect(firstLine.hasPrefix("Error: \(input.named): invalid connection string: "), "stderr: \(outcome.stderr)")
        #expect(!outcome.stderr.contains("listening"))
        #expect(!outcome.stderr.contains("hunter2"))
        #expect(outcome.stdout.isEmpty)
    }

    @Test func anUnreadableDatabaseURLInTheConfigFileIsNamedByItsLine() async throws {
        let profile = try temporaryFile("gateway.yaml", "upstream: [http://127.0.0.1:8000]\ndatabase_url: \"x y\"\n")
        let outcome = try await ServeProcess.run(
            ["serve", "--config", profile, "--listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0"],
            timeLimit: .seconds(20)
        )
        #expect(outcome.status == 64, "stderr: \(outcome.stderr)")
        let firstLine = outcome.stderr.split(separator: "\n").first.map(String.init) ?? ""
        #expect(
            firstLine.hasPrefix("Error: \(profile):2: database_url: invalid connection string: "),
            "stderr: \(outcome.stderr)"
        )
    }

    /// A valid string for a database that cannot be reached is no error: the gateway starts and
    /// waits for it (`/readyz` says 503 until a snapshot is loaded).
    @Test func aValidDatabaseURLForAnUnreachableDatabaseStillStarts() async throws {
        let process = try ServeProcess.start(
            [
                "serve", "--upstream", "http://127.0.0.1:8000", "--listen", "127.0.0.1:0", "--admin-listen",
                "127.0.0.1:0", "--access-log", "off", "--database-url", "postgresql://nobody@/none?host=/nonexistent",
            ]
        )
        defer { process.removeOutputFiles() }
        do {
            try await process.waitUntil("the gateway listens") { process.stderr.contains("admin listening") }
        } catch {
            process.send(SIGKILL)
            _ = try? await process.waitForExit()
            throw error
        }
        process.send(SIGTERM)
        let outcome = try await process.waitForExit()
        #expect(outcome.status == 0, "\(outcome.stderr)")
    }

    /// SIGTERM the moment the gateway says it listens (a supervisor stopping it right after the
    /// start) drains and exits 0: the service group installs its handlers a little later, and a
    /// signal in between ended the process with the default action (exit 143) in 30 of 30 tries
    /// of a client that sent it as soon as the line appeared.
    @Test func sigtermRightAfterTheStartDrainsAndExitsZero() async throws {
        for _ in 0..<5 {
            let process = try ServeProcess.start(
                [
                    "serve", "--upstream", "http://127.0.0.1:8000", "--listen", "127.0.0.1:0", "--admin-listen",
                    "127.0.0.1:0", "--access-log", "off", "--database-url",
                    "postgresql://nobody@/none?host=/nonexistent",
                ]
            )
            defer { process.removeOutputFiles() }
            let deadline = ContinuousClock.now + .seconds(30)
            while !process.stderr.contains("admin listening"), ContinuousClock.now < deadline {
                try await Task.sleep(for: .microseconds(200))
            }
            process.send(SIGTERM)
            let outcome = try await process.waitForExit()
            #expect(outcome.status == 0, "\(outcome.stderr)")
        }
    }

    /// SIGUSR1 reopens an access log file; with the log on standard output or off there is
    /// nothing to reopen, and the signal (a logrotate rule kept after the switch) must not end
    /// the process, as its default action would: it is logged, and SIGTERM still drains and exits 0.
    @Test(arguments: ["-", "off"])
    func sigusr1WithoutAnAccessLogFileIsIgnored(accessLog: String) async throws {
        let process = try ServeProcess.start(
            [
                "serve", "--upstream", "http://127.0.0.1:8000", "--listen", "127.0.0.1:0", "--admin-listen",
                "127.0.0.1:0", "--access-log", accessLog, "--database-url",
                "postgresql://nobody@/none?host=/nonexistent",
            ]
        )
        defer { process.removeOutputFiles() }
        do {
            try await process.waitUntil("the gateway listens") { process.stderr.contains("admin listening") }
            // Sent until it is heard: the handler is in place once the services run.
            try await process.waitUntil("SIGUSR1 is logged") {
                process.send(SIGUSR1)
                return process.stderr.contains("SIGUSR1 ignored")
            }
        } catch {
            process.send(SIGKILL)
            _ = try? await process.waitForExit()
            throw error
        }
        process.send(SIGTERM)
        let outcome = try await process.waitForExit()
        #expect(outcome.status == 0, "\(outcome.stderr)")
    }

    /// An access log that cannot be opened is the first line on stderr, before anything is logged.
    @Test func anAccessLogThatCannotBeOpenedIsTheFirstLineOnStderr() async throws {
        let outcome = try await ServeProcess.run(
            [
                "serve", "--access-log", "/nonexistent/dir/a.log", "--listen", "127.0.0.1:0", "--admin-listen",
                "127.0.0.1:0",
            ]
                + Self.required,
            timeLimit: .seconds(20)
        )
        #expect(outcome.status == 64, "stderr: \(outcome.stderr)")
        let firstLine = outcome.stderr.split(separator: "\n").first.map(String.init) ?? ""
        #expect(firstLine.hasPrefix("Error: --access-log: cannot open"), "stderr: \(outcome.stderr)")
        #expect(firstLine.contains("/nonexistent/dir/a.log"))
        #expect(!outcome.stderr.contains("listening"))
        // Named by where it came from.
        let fromEnvironment = try await ServeProcess.run(
            ["serve", "--listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0"] + Self.required,
            environment: ["FREEZEGATE_ACCESS_LOG": "/nonexistent/dir/a.log"],
            timeLimit: .seconds(20)
        )
        #expect(fromEnvironment.status == 64, "stderr: \(fromEnvironment.stderr)")
        #expect(
            fromEnvironment.stderr.hasPrefix("Error: FREEZEGATE_ACCESS_LOG: cannot open"),
            "\(fromEnvironment.stderr)"
        )
    }

    /// A port already taken is the first line on stderr, naming the address and the setting,
    /// before any log line (the proxy's listeners and the admin listener alike).
    @Test(arguments: ["--listen", "--tls-listen", "--admin-listen"])
    func aTakenPortIsTheFirstLineOnStderr(setting: String) async throws {
        let taken = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        defer { taken.close(promise: nil) }
        let address = "127.0.0.1:\(try #require(taken.localAddress?.port))"
        var listeners = ["--listen": "127.0.0.1:0", "--admin-listen": "127.0.0.1:0"]
        listeners[setting] = address
        var tls: [String] = []
        if setting == "--tls-listen" {
            let authority = try TestCertificateAuthority()
            let leaf = try authority.issue(dnsNames: ["a.s20.online"])
            let cert = try self.temporaryFile("cert.pem", leaf.certificatePEM)
            let key = try self.temporaryFile("key.pem", leaf.keyPEM)
            tls = ["--tls-cert", cert, "--tls-key", key]
        }
        let outcome = try await ServeProcess.run(
            ["serve", "--access-log", "off"] + listeners.flatMap { [$0.key, $0.value] } + tls + Self.required,
            timeLimit: .seconds(20)
        )
        #expect(outcome.status != 0, "stderr: \(outcome.stderr)")
        let firstLine = outcome.stderr.split(separator: "\n").first.map(String.init) ?? ""
        #expect(
            firstLine == "Error: cannot listen on \(address) (\(setting)): Address already in use",
            "stderr: \(outcome.stderr)"
        )
    }

    /// `--base-domain`'s variable is named after the flag like every other; the older plural name
    /// is still read, and the two may not disagree.
    @Test func theBaseDomainVariableIsNamedAfterTheFlag() async throws {
        let singular = try await ServeProcess.run(
            ["serve", "--print-config"] + Self.required,
            environment: ["FREEZEGATE_BASE_DOMAIN": "a.example,b.example"]
        )
        #expect(singular.status == 0, "\(singular.stderr)")
        #expect(
            singular.stdout.contains(
                "base_domains: [\"a.example\", \"b.example\"]  # environment FREEZEGATE_BASE_DOMAIN\n"
            ),
            "\(singular.stdout)"
        )
        let both = try await ServeProcess.run(
            ["serve", "--print-config"] + Self.required,
            environment: ["FREEZEGATE_BASE_DOMAIN": "a.example", "FREEZEGATE_BASE_DOMAINS": "old.example"]
        )
        #expect(both.status == 64)
        let firstLine = both.stderr.split(separator: "\n").first.map(String.init) ?? ""
        #expect(firstLine.contains("FREEZEGATE_BASE_DOMAIN and FREEZEGATE_BASE_DOMAINS"), "\(both.stderr)")
        let help = try await ServeProcess.run(["serve", "--help"])
        #expect(help.stdout.contains("env FREEZEGATE_BASE_DOMAIN,"), "\(help.stdout)")
        #expect(!help.stdout.contains("FREEZEGATE_BASE_DOMAINS"))
    }

    @Test func anInvalidProfileFailsNamingTheFileAndLine() async throws {
        let profile = try temporaryFile("broken.yaml", "block_status: 403\nunknown: explode\n")
        let outcome = try await ServeProcess.run(["serve", "--config", profile] + Self.required)
        #expect(outcome.status != 0)
        let firstLine = outcome.stderr.split(separator: "\n").first.map(String.init) ?? ""
        #expect(firstLine.contains("\(profile):2"), "stderr: \(outcome.stderr)")
    }

    /// The settings of the command line, written in the `--config` file instead: the file is
    /// named as their source, a file name in it is relative to its folder, and a bad value stops
    /// `serve` naming the file, line and key.
    @Test func theConfigFileCarriesTheCommandLinesSettings() async throws {
        let profile = try temporaryFile(
            "gateway.yaml",
            """
            database_url: postgresql://gw:hunter2@db/crm
            upstream: [http://127.0.0.1:8000]
            listen: 127.0.0.1:18082
            access_log: access.log
            access_log_format: json
            max_connections: 300
            client_idle_timeout: 30

            """
        )
        let folder = URL(fileURLWithPath: profile).deletingLastPathComponent().path
        let outcome = try await ServeProcess.run(
            ["serve", "--print-config", "--config", profile],
            environment: ["FREEZEGATE_CLIENT_IDLE_TIMEOUT": "40"]
        )
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(!outcome.stdout.contains("hunter2"))
        #expect(outcome.stdout.contains("listen: \"127.0.0.1:18082\"  # config file \(profile)\n"))
        #expect(outcome.stdout.contains("access_log: \"\(folder)/access.log\"  # config file \(profile)\n"))
        #expect(outcome.stdout.contains("access_log_format: \"json\"  # config file \(profile)\n"))
        #expect(outcome.stdout.contains("max_connections: 300  # config file \(profile)\n"))
        #expect(outcome.stdout.contains("client_idle_timeout: 40.0  # environment FREEZEGATE_CLIENT_IDLE_TIMEOUT\n"))

        let broken = try temporaryFile("broken.yaml", "upstream: [http://127.0.0.1:8000]\nthreads: many\n")
        let refused = try await ServeProcess.run(["serve", "--config", broken, "--database-url", "dbname=crm"])
        #expect(refused.status != 0)
        let firstLine = refused.stderr.split(separator: "\n").first.map(String.init) ?? ""
        #expect(firstLine.contains("\(broken):2: threads: 'many' is not a whole number"), "\(refused.stderr)")
    }
}
